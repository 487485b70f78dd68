#pragma once
// The file buffer (@type file), in Fluentd's on-disk format: one `buffer.b<id>.log` (staged) or
// `buffer.q<id>.log` (queued) file per chunk holding the raw entries, and a `.meta` beside it.
// Chunks survive kill -9 and are resumed at start, so a buffer directory left by Fluentd is
// picked up. Queued chunks are not kept in memory: they are read from disk when flushed.
#include <string>

#include "buffer/buffer.hpp"
#include "buffer/file_meta.hpp"
#include "buffer/fs.hpp"

namespace shipper::buffer {

struct FileBufferPluginParams : FileBufferParams {
  static void describe(config::Schema<FileBufferPluginParams>& s) {
    describe_buffer_params(s, "256m", "64g", "false");
    describe_file_buffer_params(s);
  }
};

// The glob pattern (with one '*') chunk files live under, from Fluentd's path rules (spec §5.1).
// Throws config::ConfigException when the path cannot be determined.
std::string resolve_buffer_pattern(const FileBufferParams& p, const PluginContext& ctx);
// Chunk file path for a pattern and state ('b' or 'q').
std::string chunk_path(const std::string& pattern, char state, const ChunkId& id);

// Result of checking a chunk file's entries: the bytes that form whole entries and their count.
struct ScanResult {
  uint64_t valid_bytes = 0;
  uint32_t records = 0;
  uint64_t file_size = 0;
};
Result<ScanResult> scan_chunk_file(FileSystem& fs, const std::string& path);

class FileChunk : public StoredChunk {
 public:
  FileChunk(FileSystem& fs, std::string path, int file_mode)
      : fs_(fs), path_(std::move(path)), mode_(file_mode) {}
  ~FileChunk() override;
  Status create();  // creates the chunk and meta files
  Status append(std::string_view data, uint32_t records) override;
  Status commit(int64_t now) override;
  Status rollback() override;
  Status mark_queued() override;
  Status purge() override;
  Status read_raw(std::string& out) const override;
  Status read_range(uint64_t offset, size_t length, std::string& out) const override;
  const std::string& path() const { return path_; }
  std::string meta_path() const { return path_ + ".meta"; }
  Status write_meta(uint32_t records, int64_t modified);

 private:
  void close_files();
  FileSystem& fs_;
  std::string path_;
  int mode_;
  int fd_ = -1;
  int meta_fd_ = -1;
};

class FileBuffer : public Buffer {
 public:
  using Params = FileBufferPluginParams;
  FileBuffer(Params params, PluginContext& ctx);
  // For tests: route file I/O through another file system (before start()).
  void set_file_system(FileSystem* fs) { fs_ = fs; }
  const std::string& pattern() const { return pattern_; }

 protected:
  Result<ChunkPtr> generate_chunk(const ChunkMetadata& meta) override;
  Status resume(Resumed& out) override;

 private:
  void set_aside(const std::string& path, const std::string& reason);
  FileBufferPluginParams fparams_;
  FileSystem* fs_ = &FileSystem::posix();
  std::string pattern_;
  int file_mode_ = 0644;
  int dir_mode_ = 0755;
};

}  // namespace shipper::buffer
