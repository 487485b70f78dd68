#pragma once
// A buffer chunk: events that share one metadata value (tag, timekey, record-key variables),
// stored in memory or in a file, identified by Fluentd's 16-byte unique id.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace shipper::buffer {

// 16 bytes: (µs since epoch << 12 | 12 random bits) big-endian, then 8 random bytes.
using ChunkId = std::array<uint8_t, 16>;

ChunkId generate_chunk_id();
// With an explicit clock (µs since the epoch) for tests.
ChunkId generate_chunk_id(uint64_t now_us);
std::string chunk_id_hex(const ChunkId& id);  // 32 lowercase hex chars
std::optional<ChunkId> chunk_id_from_hex(std::string_view hex);
std::string_view chunk_id_bytes(const ChunkId& id);

// The grouping key of a chunk. Absent parts (no tag key, no time key, no record keys) are nil.
struct ChunkMetadata {
  std::optional<int64_t> timekey;
  std::optional<std::string> tag;
  // Record-key values in chunk-key order; the value is nil when the record lacks the key.
  // Values are kept as text (a string as is, other scalars in their JSON form).
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> variables;
  int seq = 0;

  friend bool operator==(const ChunkMetadata&, const ChunkMetadata&) = default;
  friend auto operator<=>(const ChunkMetadata&, const ChunkMetadata&) = default;
};

enum class Compression { kText, kGzip, kZstd };
const char* compression_name(Compression c);

enum class ChunkState { kStaged, kQueued, kInFlight };

// What a buffered output's write() receives. Valid for the duration of the call; keep the id to
// refer to the chunk later (commit_write / rollback_write).
class Chunk {
 public:
  virtual ~Chunk() = default;

  const ChunkId& unique_id() const { return id_; }
  std::string unique_id_hex() const { return chunk_id_hex(id_); }
  const ChunkMetadata& metadata() const { return metadata_; }
  uint32_t record_count() const { return records_; }
  uint64_t bytesize() const { return bytes_; }  // stored bytes (compressed when compressed)
  Compression compression() const { return compression_; }
  int64_t created_at() const { return created_at_; }    // epoch seconds
  int64_t modified_at() const { return modified_at_; }  // epoch seconds, last commit

  // The bytes as stored: concatenated [time, record] entries, or gzip members / zstd frames of
  // them when the buffer compresses. Read from disk for file chunks.
  virtual Status read_raw(std::string& out) const = 0;
  // The same bytes without a copy when they are in memory (memory chunks); valid while the
  // chunk is not appended to, which holds once it is queued.
  virtual std::optional<std::string_view> raw_view() const { return std::nullopt; }
  // The same bytes as pieces in memory, in order (a memory chunk made of several segments);
  // false when they are not in memory.
  virtual bool raw_pieces(std::vector<std::string_view>& out) const {
    auto view = raw_view();
    if (view) out.push_back(*view);
    return view.has_value();
  }
  // Appends up to `length` stored bytes from `offset` on, so a big file chunk can be sent in
  // pieces instead of being loaded whole. Fewer bytes only at the end of the chunk; a chunk
  // file cut short gives what is left and kCorrupt (read_raw too: backups keep what is left).
  virtual Status read_range(uint64_t offset, size_t length, std::string& out) const;
  // The entries, decompressed when needed.
  Status read(std::string& out) const;

 protected:
  ChunkId id_{};
  ChunkMetadata metadata_;
  uint32_t records_ = 0;
  uint64_t bytes_ = 0;
  Compression compression_ = Compression::kText;
  int64_t created_at_ = 0;
  int64_t modified_at_ = 0;
  uint64_t decompression_limit_ = 256ull << 20;
};

}  // namespace shipper::buffer
