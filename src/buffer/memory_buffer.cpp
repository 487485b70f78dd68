#include "buffer/memory_buffer.hpp"

#include <time.h>

#include <algorithm>

namespace shipper::buffer {

bool SpareStorage::take(std::string& out) {
  std::lock_guard lock(mu_);
  if (spares_.empty()) return false;
  auto biggest = std::max_element(spares_.begin(), spares_.end(), [](const auto& a, const auto& b) {
    return a.capacity() < b.capacity();
  });
  kept_ -= biggest->capacity();
  out.swap(*biggest);
  out.clear();
  spares_.erase(biggest);
  return true;
}

void SpareStorage::give(std::string&& storage) {
  std::lock_guard lock(mu_);
  if (kept_ + storage.capacity() > keep_bytes_) return;  // freed with the caller's string
  kept_ += storage.capacity();
  spares_.push_back(std::move(storage));
}

size_t SpareStorage::kept_bytes() const {
  std::lock_guard lock(mu_);
  return kept_;
}

Status MemoryChunk::append(std::string_view data, uint32_t records) {
  if (!last_takes_appends_) {
    segments_.emplace_back();
    std::string& fresh = segments_.back();
    if (spare_) spare_->take(fresh);
    size_t want = std::max(data.size(), expected_size_ > total_bytes()
                                            ? static_cast<size_t>(expected_size_ - total_bytes())
                                            : size_t{0});
    if (fresh.capacity() < want) fresh.reserve(want);
    last_takes_appends_ = true;
  }
  segments_.back().append(data);
  pending_bytes_ += data.size();
  pending_records_ += records;
  return Status::ok();
}

bool MemoryChunk::adopt(std::string& storage, uint32_t records) {
  if (storage.size() < kMinAdopted) return false;
  pending_bytes_ += storage.size();
  pending_records_ += records;
  const size_t capacity = storage.capacity();
  segments_.push_back(std::move(storage));
  last_takes_appends_ = false;
  storage = std::string();
  // Without a spare, the producer gets room for another batch like this one: growing from
  // nothing would copy the batch again at every doubling.
  if (!spare_ || !spare_->take(storage)) storage.reserve(capacity);
  return true;
}

Status MemoryChunk::commit(int64_t now) {
  bytes_ += pending_bytes_;
  records_ += pending_records_;
  pending_bytes_ = 0;
  pending_records_ = 0;
  modified_at_ = now;
  committed_segments_ = segments_.size();
  committed_last_size_ = segments_.empty() ? 0 : segments_.back().size();
  committed_last_takes_appends_ = last_takes_appends_;
  return Status::ok();
}

Status MemoryChunk::rollback() {
  while (segments_.size() > committed_segments_) {
    if (spare_) spare_->give(std::move(segments_.back()));
    segments_.pop_back();
  }
  if (!segments_.empty()) segments_.back().resize(committed_last_size_);
  last_takes_appends_ = committed_last_takes_appends_;
  pending_bytes_ = 0;
  pending_records_ = 0;
  return Status::ok();
}

Status MemoryChunk::purge() {
  for (auto& s : segments_)
    if (spare_) spare_->give(std::move(s));
  segments_.clear();
  segments_.shrink_to_fit();
  last_takes_appends_ = committed_last_takes_appends_ = false;
  committed_segments_ = committed_last_size_ = 0;
  bytes_ = 0;
  records_ = 0;
  return Status::ok();
}

std::string_view MemoryChunk::committed_segment(size_t i) const {
  const std::string& s = segments_[i];
  return std::string_view(s).substr(0,
                                    i + 1 == committed_segments_ ? committed_last_size_ : s.size());
}

Status MemoryChunk::read_raw(std::string& out) const {
  for (size_t i = 0; i < committed_segments_; ++i) out.append(committed_segment(i));
  return Status::ok();
}

std::optional<std::string_view> MemoryChunk::raw_view() const {
  if (committed_segments_ == 0) return std::string_view();
  if (committed_segments_ == 1) return committed_segment(0);
  return std::nullopt;
}

bool MemoryChunk::raw_pieces(std::vector<std::string_view>& out) const {
  for (size_t i = 0; i < committed_segments_; ++i) out.push_back(committed_segment(i));
  return true;
}

MemoryBuffer::MemoryBuffer(Params params, PluginContext& ctx)
    : Buffer(params, ctx, BufferDefaults{8ull << 20, 512ull << 20, true}),
      spare_(std::make_shared<SpareStorage>(2 * expected_chunk_size())) {}

size_t MemoryBuffer::expected_chunk_size() const {
  constexpr uint64_t kMaxReserve = 16ull << 20;
  return static_cast<size_t>(std::min<uint64_t>(chunk_limit_size(), kMaxReserve));
}

Result<ChunkPtr> MemoryBuffer::generate_chunk(const ChunkMetadata& meta) {
  auto c = std::make_shared<MemoryChunk>(expected_chunk_size(), spare_);
  c->init(generate_chunk_id(), meta, compression(), static_cast<int64_t>(::time(nullptr)),
          params().decompression_size_limit.bytes);
  return ChunkPtr(c);
}

}  // namespace shipper::buffer
