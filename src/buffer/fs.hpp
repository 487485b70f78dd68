#pragma once
// The file-system calls the file buffer makes, behind an interface so tests can inject ENOSPC,
// short (torn) writes and other failures. Errors carry errno in the Status message as
// "Errno::ENOSPC: No space left on device …" (Fluentd's error class naming).
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace shipper::buffer {

struct FileInfo {
  uint64_t size = 0;
  int64_t mtime = 0;
  int64_t ctime = 0;
  bool regular = false;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Opens for appending (creates with `mode`); returns an fd.
  virtual Result<int> open_append(const std::string& path, int mode) = 0;
  virtual Result<int> open_read(const std::string& path) = 0;
  virtual Result<int> open_write(const std::string& path, int mode) = 0;  // create, no truncate
  virtual Status close(int fd) = 0;
  // Writes all of `data` at the end (append fds) or at `offset` (>= 0).
  virtual Status write(int fd, std::string_view data, int64_t offset = -1) = 0;
  virtual Result<size_t> read(int fd, char* buf, size_t n, uint64_t offset) = 0;
  virtual Status truncate(const std::string& path, uint64_t size) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status unlink(const std::string& path) = 0;
  virtual Status mkdirs(const std::string& path, int mode) = 0;
  virtual Result<FileInfo> stat(const std::string& path) = 0;
  // Paths matching a glob pattern, sorted.
  virtual std::vector<std::string> glob(const std::string& pattern) = 0;

  static FileSystem& posix();
};

// Reads a whole (small) file.
Status read_file(FileSystem& fs, const std::string& path, std::string& out);
Status errno_status(int err, const std::string& what);
// True when a status is a "disk full" condition (ENOSPC, EDQUOT).
bool is_disk_full(const Status& st);

// A FileSystem that forwards to another and fails on command (for tests).
class FaultyFileSystem : public FileSystem {
 public:
  explicit FaultyFileSystem(FileSystem& base) : base_(base) {}
  // Every write fails with ENOSPC while set. With torn_bytes >= 0, the failing write first writes
  // that many bytes of its data (a torn write).
  void set_disk_full(bool full, int64_t torn_bytes = -1) {
    full_ = full;
    torn_ = torn_bytes;
  }
  uint64_t failed_writes() const { return failed_; }

  Result<int> open_append(const std::string& p, int m) override { return base_.open_append(p, m); }
  Result<int> open_read(const std::string& p) override { return base_.open_read(p); }
  Result<int> open_write(const std::string& p, int m) override { return base_.open_write(p, m); }
  Status close(int fd) override { return base_.close(fd); }
  Status write(int fd, std::string_view data, int64_t offset = -1) override;
  Result<size_t> read(int fd, char* b, size_t n, uint64_t o) override {
    return base_.read(fd, b, n, o);
  }
  Status truncate(const std::string& p, uint64_t s) override { return base_.truncate(p, s); }
  Status rename(const std::string& f, const std::string& t) override { return base_.rename(f, t); }
  Status unlink(const std::string& p) override { return base_.unlink(p); }
  Status mkdirs(const std::string& p, int m) override { return base_.mkdirs(p, m); }
  Result<FileInfo> stat(const std::string& p) override { return base_.stat(p); }
  std::vector<std::string> glob(const std::string& p) override { return base_.glob(p); }

 private:
  FileSystem& base_;
  bool full_ = false;
  int64_t torn_ = -1;
  uint64_t failed_ = 0;
};

}  // namespace shipper::buffer
