#pragma once
// The memory buffer (@type memory): chunks are byte strings in memory; lost when the process
// dies.
//
// A chunk is a list of segments. Bytes written by copy go into a segment reserved at the chunk's
// expected size. A batch big enough (kMinAdopted) can instead be taken whole as a segment of its
// own (adopt): the producer's storage changes hands instead of its bytes being copied, and the
// producer gets a spare storage back. Segments of purged chunks are kept for reuse (up to about
// two chunks' worth), so storage cycles producer → chunk → spare → producer without its pages
// being faulted in again.
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

// Storage of purged segments, kept for the next chunks and producers.
class SpareStorage {
 public:
  // `keep_bytes`: the capacity kept at most.
  explicit SpareStorage(size_t keep_bytes) : keep_bytes_(keep_bytes) {}
  // Moves the biggest spare (emptied, its capacity kept) into `out`; false when there is none.
  bool take(std::string& out);
  void give(std::string&& storage);
  size_t kept_bytes() const;

 private:
  const size_t keep_bytes_;
  mutable std::mutex mu_;
  std::vector<std::string> spares_;
  size_t kept_ = 0;  // total capacity of spares_
};

class MemoryChunk : public StoredChunk {
 public:
  // A batch smaller than this is copied: many small segments would make a chunk of many pieces.
  static constexpr size_t kMinAdopted = 64 * 1024;

  // `expected_size`: reserved for the first copied bytes (the chunk limit, capped), so a chunk
  // grows without copying itself over and over; untouched reserved pages cost no memory.
  // `spare`: where segments go when the chunk is purged, and where new storage comes from.
  explicit MemoryChunk(size_t expected_size = 0, std::shared_ptr<SpareStorage> spare = nullptr)
      : expected_size_(expected_size), spare_(std::move(spare)) {}
  Status append(std::string_view data, uint32_t records) override;
  bool adopt(std::string& storage, uint32_t records) override;
  Status commit(int64_t now) override;
  Status rollback() override;
  Status purge() override;
  Status read_raw(std::string& out) const override;
  std::optional<std::string_view> raw_view() const override;
  bool raw_pieces(std::vector<std::string_view>& out) const override;

 private:
  // The committed bytes of segment `i`.
  std::string_view committed_segment(size_t i) const;

  std::vector<std::string> segments_;
  bool last_takes_appends_ = false;  // the last segment was made for copied bytes
  // The state at the last commit (what rollback returns to).
  size_t committed_segments_ = 0;
  size_t committed_last_size_ = 0;
  bool committed_last_takes_appends_ = false;
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
  size_t expected_chunk_size() const;
  std::shared_ptr<SpareStorage> spare_;
};

}  // namespace shipper::buffer
