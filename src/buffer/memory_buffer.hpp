#pragma once
// The memory buffer (@type memory): chunks are byte strings; lost when the process dies.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "buffer/buffer.hpp"

namespace shipper::buffer {

struct MemoryBufferParams : BufferParams {
  static void describe(config::Schema<MemoryBufferParams>& s) {
    describe_buffer_params(s, "8m", "512m", "true");
  }
};

// The storage of the last purged chunks, kept for the next ones. A new chunk's pages would
// otherwise be faulted in and zeroed by the kernel one by one, every chunk again: that cost as
// much as copying the events in. Two are kept, as at full speed one chunk is being sent while
// the next fills and a third is started; at most two chunks' worth of memory waits here.
class SpareStorage {
 public:
  // Moves a spare storage (emptied, its capacity kept) into `out` if there is one.
  void take(std::string& out) {
    std::lock_guard lock(mu_);
    if (spares_.empty()) return;
    out.swap(spares_.back());
    out.clear();
    spares_.pop_back();
  }
  void give(std::string&& storage) {
    std::lock_guard lock(mu_);
    if (spares_.size() < kKept) spares_.push_back(std::move(storage));
  }

 private:
  static constexpr size_t kKept = 2;
  std::mutex mu_;
  std::vector<std::string> spares_;
};

class MemoryChunk : public StoredChunk {
 public:
  // `expected_size`: reserved on the first append (the chunk limit, capped), so a chunk grows
  // without copying itself over and over; untouched reserved pages cost no memory. `spare`:
  // where the storage goes when the chunk is purged, and where the first append looks first.
  explicit MemoryChunk(size_t expected_size = 0, std::shared_ptr<SpareStorage> spare = nullptr)
      : expected_size_(expected_size), spare_(std::move(spare)) {}
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
  std::shared_ptr<SpareStorage> spare_;
};

class MemoryBuffer : public Buffer {
 public:
  using Params = MemoryBufferParams;
  MemoryBuffer(Params params, PluginContext& ctx);

 protected:
  Result<ChunkPtr> generate_chunk(const ChunkMetadata& meta) override;

 private:
  std::shared_ptr<SpareStorage> spare_ = std::make_shared<SpareStorage>();
};

}  // namespace shipper::buffer
