#pragma once
// The memory buffer (@type memory): chunks are byte strings; lost when the process dies.
#include "buffer/buffer.hpp"

namespace shipper::buffer {

struct MemoryBufferParams : BufferParams {
  static void describe(config::Schema<MemoryBufferParams>& s) {
    describe_buffer_params(s, "8m", "512m", "true");
  }
};

class MemoryChunk : public StoredChunk {
 public:
  // `expected_size`: reserved on the first append (the chunk limit, capped), so a chunk grows
  // without copying itself over and over; untouched reserved pages cost no memory.
  explicit MemoryChunk(size_t expected_size = 0) : expected_size_(expected_size) {}
  Status append(std::string_view data, uint32_t records) override;
  Status commit(int64_t now) override;
  Status rollback() override;
  Status purge() override;
  Status read_raw(std::string& out) const override;
  std::optional<std::string_view> raw_view() const override {
    return std::string_view(data_).substr(0, bytes_);
  }

 private:
  std::string data_;
  size_t expected_size_;
};

class MemoryBuffer : public Buffer {
 public:
  using Params = MemoryBufferParams;
  MemoryBuffer(Params params, PluginContext& ctx);

 protected:
  Result<ChunkPtr> generate_chunk(const ChunkMetadata& meta) override;
};

}  // namespace shipper::buffer
