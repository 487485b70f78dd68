#include "buffer/memory_buffer.hpp"

#include <time.h>

#include <algorithm>

namespace shipper::buffer {

Status MemoryChunk::append(std::string_view data, uint32_t records) {
  if (data_.capacity() < expected_size_) {
    if (spare_ && data_.empty()) spare_->take(data_);
    if (data_.capacity() < expected_size_) data_.reserve(expected_size_);
  }
  data_.append(data);
  pending_bytes_ += data.size();
  pending_records_ += records;
  return Status::ok();
}

Status MemoryChunk::commit(int64_t now) {
  bytes_ = data_.size();
  records_ += pending_records_;
  pending_bytes_ = 0;
  pending_records_ = 0;
  modified_at_ = now;
  return Status::ok();
}

Status MemoryChunk::rollback() {
  data_.resize(bytes_);
  pending_bytes_ = 0;
  pending_records_ = 0;
  return Status::ok();
}

Status MemoryChunk::purge() {
  if (spare_) spare_->give(std::move(data_));
  std::string().swap(data_);
  bytes_ = 0;
  records_ = 0;
  return Status::ok();
}

Status MemoryChunk::read_raw(std::string& out) const {
  out.append(data_, 0, bytes_);
  return Status::ok();
}

MemoryBuffer::MemoryBuffer(Params params, PluginContext& ctx)
    : Buffer(params, ctx, BufferDefaults{8ull << 20, 512ull << 20, true}) {}

Result<ChunkPtr> MemoryBuffer::generate_chunk(const ChunkMetadata& meta) {
  constexpr uint64_t kMaxReserve = 16ull << 20;
  auto c = std::make_shared<MemoryChunk>(
      static_cast<size_t>(std::min<uint64_t>(chunk_limit_size(), kMaxReserve)), spare_);
  c->init(generate_chunk_id(), meta, compression(), static_cast<int64_t>(::time(nullptr)),
          params().decompression_size_limit.bytes);
  return ChunkPtr(c);
}

}  // namespace shipper::buffer
