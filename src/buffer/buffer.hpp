#pragma once
// Buffer: the buffer plugin base (Fluentd's Plugin::Buffer). It keeps at most one staged chunk per
// metadata value, a FIFO queue of chunks ready to flush, and the chunks in flight; it enforces
// chunk_limit_size / chunk_limit_records / total_limit_size and splits writes that do not fit.
// Memory and file buffers differ only in how a chunk stores its bytes (StoredChunk) and in
// resuming chunks at start.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "buffer/buffer_params.hpp"
#include "buffer/chunk.hpp"
#include "buffer/chunk_keys.hpp"
#include "engine/plugin.hpp"

namespace shipper::buffer {

// A chunk owned by a buffer. Appends are pending until commit() (rollback() undoes them).
class StoredChunk : public Chunk {
 public:
  void init(const ChunkId& id, ChunkMetadata meta, Compression c, int64_t now,
            uint64_t decompression_limit) {
    id_ = id;
    metadata_ = std::move(meta);
    compression_ = c;
    created_at_ = modified_at_ = now;
    decompression_limit_ = decompression_limit;
  }
  virtual Status append(std::string_view data, uint32_t records) = 0;
  // Takes `storage` (all of it entries) instead of copying it, when the chunk can; `storage` is
  // then left with other, empty storage for the caller to reuse. False: nothing was taken.
  virtual bool adopt(std::string& /*storage*/, uint32_t /*records*/) { return false; }
  virtual Status commit(int64_t now) = 0;
  virtual Status rollback() = 0;
  virtual Status mark_queued() { return Status::ok(); }
  virtual Status purge() = 0;

  uint64_t total_bytes() const { return bytes_ + pending_bytes_; }
  uint32_t total_records() const { return records_ + pending_records_; }
  bool empty() const { return total_records() == 0 && total_bytes() == 0; }
  ChunkState state = ChunkState::kStaged;
  void set_metadata(ChunkMetadata m) { metadata_ = std::move(m); }
  void set_counts(uint32_t records, uint64_t bytes, int64_t created, int64_t modified) {
    records_ = records;
    bytes_ = bytes;
    created_at_ = created;
    modified_at_ = modified;
  }

 protected:
  uint64_t pending_bytes_ = 0;
  uint32_t pending_records_ = 0;
};

using ChunkPtr = std::shared_ptr<StoredChunk>;

struct BufferDefaults {
  uint64_t chunk_limit_size;
  uint64_t total_limit_size;
  bool flush_at_shutdown;
};

class Buffer : public Plugin {
 public:
  Buffer(const BufferParams& params, PluginContext& ctx, BufferDefaults defaults);
  ~Buffer() override = default;

  const BufferParams& params() const { return params_; }
  uint64_t chunk_limit_size() const { return chunk_limit_size_; }
  uint64_t total_limit_size() const { return total_limit_size_; }
  bool flush_at_shutdown() const { return flush_at_shutdown_; }
  Compression compression() const { return compression_; }
  bool persistent() const { return persistent_; }
  void set_queued_chunks_limit(size_t n) { queued_chunks_limit_ = n; }
  // Chunks hold an output's formatted text, not msgpack entries: resume cannot check entries.
  void set_opaque_chunks(bool v) { opaque_chunks_ = v; }
  bool opaque_chunks() const { return opaque_chunks_; }
  // Called (under the buffer's lock) for every chunk the buffer creates.
  void set_chunk_created_hook(std::function<void(const StoredChunk&)> hook) {
    on_created_ = std::move(hook);
  }
  size_t queued_chunks_limit() const { return queued_chunks_limit_; }

  Status start() override;  // resumes chunks left by a previous run (file buffer)
  void close() override;

  // Writes the groups all-or-nothing: on error nothing was taken. kBufferFull when the buffer is
  // not storable (total_limit_size) or the disk is full. A single event larger than
  // chunk_limit_size is dropped and counted in *oversized (the rest is stored).
  // `takeable`: storage that holds exactly the bytes of the only group, which a chunk may take
  // instead of copying them (see StoredChunk::adopt); null when the caller keeps its bytes.
  Status write(const std::vector<MetaGroup>& groups, bool enqueue_written, size_t* oversized,
               std::string* takeable = nullptr);
  bool storable() const;

  // Timer pass: queues staged chunks for which `due` is true; stops at queued_chunks_limit when
  // `limited` (full chunks are always queued at write time).
  void enqueue_staged(const std::function<bool(const StoredChunk&)>& due, bool limited);
  void enqueue_all();
  ChunkPtr dequeue();
  void takeback(const ChunkId& id);  // in flight → head of the queue
  void purge(const ChunkId& id);     // in flight → deleted
  ChunkPtr in_flight(const ChunkId& id);
  // Drops every queued chunk (retry limit); returns the number of records dropped.
  uint64_t clear_queue(const std::function<void(const StoredChunk&)>& before_drop = {});
  bool drop_oldest_queued();

  size_t queue_length() const;
  size_t staged_count() const;
  size_t in_flight_count() const;
  uint64_t total_bytes() const;
  uint64_t queued_records() const;

  // One consistent look at the buffer for monitoring (Fluentd's buffer statistics).
  struct Stats {
    size_t stage_length = 0;
    uint64_t stage_bytes = 0;
    size_t queue_length = 0;  // queued and in flight, as Fluentd counts its queue
    uint64_t queue_bytes = 0;
    uint64_t total_bytes = 0;
    std::vector<int64_t> timekeys;  // of staged and queued chunks, ascending, unique
  };
  Stats stats() const;

 protected:
  virtual Result<ChunkPtr> generate_chunk(const ChunkMetadata& meta) = 0;
  struct Resumed {
    std::vector<ChunkPtr> staged;
    std::vector<ChunkPtr> queued;  // in queue order
  };
  virtual Status resume(Resumed&) { return Status::ok(); }
  bool persistent_ = false;
  bool opaque_chunks_ = false;
  std::function<void(const StoredChunk&)> on_created_;
  PluginContext* ctx_;
  Logger log_;

 private:
  void enqueue_locked(const ChunkPtr& c);
  Result<ChunkPtr> new_chunk_locked(const ChunkMetadata& meta);

  BufferParams params_;
  uint64_t chunk_limit_size_;
  uint64_t total_limit_size_;
  std::optional<uint32_t> chunk_limit_records_;
  bool flush_at_shutdown_;
  size_t queued_chunks_limit_ = 1;
  Compression compression_ = Compression::kText;

  mutable std::mutex mu_;
  std::map<ChunkMetadata, ChunkPtr> staged_;
  std::deque<ChunkPtr> queue_;
  std::map<ChunkId, ChunkPtr> in_flight_;
  uint64_t total_bytes_ = 0;
};

}  // namespace shipper::buffer
