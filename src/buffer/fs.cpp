#include "buffer/fs.hpp"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace shipper::buffer {

static const char* errno_name(int e) {
  switch (e) {
    case ENOSPC:
      return "ENOSPC";
    case EDQUOT:
      return "EDQUOT";
    case EACCES:
      return "EACCES";
    case EPERM:
      return "EPERM";
    case ENOENT:
      return "ENOENT";
    case EMFILE:
      return "EMFILE";
    case EIO:
      return "EIO";
    case EROFS:
      return "EROFS";
    case EISDIR:
      return "EISDIR";
    case ENOTDIR:
      return "ENOTDIR";
    default:
      return "EIO";
  }
}

Status errno_status(int err, const std::string& what) {
  return error(StatusCode::kIoError,
               std::string("Errno::") + errno_name(err) + ": " + strerror(err) + " @ " + what);
}

bool is_disk_full(const Status& st) {
  return st.message().rfind("Errno::ENOSPC", 0) == 0 || st.message().rfind("Errno::EDQUOT", 0) == 0;
}

namespace {
class PosixFileSystem : public FileSystem {
 public:
  Result<int> open_append(const std::string& path, int mode) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) return errno_status(errno, "rb_sysopen - " + path);
    return fd;
  }
  Result<int> open_read(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_status(errno, "rb_sysopen - " + path);
    return fd;
  }
  Result<int> open_write(const std::string& path, int mode) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode);
    if (fd < 0) return errno_status(errno, "rb_sysopen - " + path);
    return fd;
  }
  Status close(int fd) override {
    if (::close(fd) != 0) return errno_status(errno, "close");
    return Status::ok();
  }
  Status write(int fd, std::string_view data, int64_t offset) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = offset >= 0 ? ::pwrite(fd, data.data() + done, data.size() - done, offset + done)
                              : ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, "write");
      }
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }
  Result<size_t> read(int fd, char* buf, size_t n, uint64_t offset) override {
    for (;;) {
      ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, "read");
      }
      return static_cast<size_t>(r);
    }
  }
  Status truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
      return errno_status(errno, "truncate - " + path);
    return Status::ok();
  }
  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return errno_status(errno, "rename - " + from);
    return Status::ok();
  }
  Status unlink(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return errno_status(errno, "unlink - " + path);
    return Status::ok();
  }
  Status mkdirs(const std::string& path, int mode) override {
    std::filesystem::path p(path);
    std::filesystem::path cur;
    for (const auto& part : p) {
      cur /= part;
      if (cur.empty() || cur == "/") continue;
      if (::mkdir(cur.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
        return errno_status(errno, "mkdir - " + cur.string());
    }
    return Status::ok();
  }
  Result<FileInfo> stat(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno_status(errno, "stat - " + path);
    FileInfo fi;
    fi.size = static_cast<uint64_t>(st.st_size);
    fi.mtime = st.st_mtime;
    fi.ctime = st.st_ctime;
    fi.regular = S_ISREG(st.st_mode);
    return fi;
  }
  std::vector<std::string> glob(const std::string& pattern) override {
    std::vector<std::string> out;
    glob_t g{};
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    std::sort(out.begin(), out.end());
    return out;
  }
};
}  // namespace

FileSystem& FileSystem::posix() {
  static PosixFileSystem fs;
  return fs;
}

Status read_file(FileSystem& fs, const std::string& path, std::string& out) {
  auto fd = fs.open_read(path);
  if (!fd) return fd.status();
  char buf[64 * 1024];
  uint64_t off = 0;
  for (;;) {
    auto n = fs.read(*fd, buf, sizeof buf, off);
    if (!n) {
      fs.close(*fd);
      return n.status();
    }
    if (*n == 0) break;
    out.append(buf, *n);
    off += *n;
  }
  fs.close(*fd);
  return Status::ok();
}

Status FaultyFileSystem::write(int fd, std::string_view data, int64_t offset) {
  if (full_) {
    ++failed_;
    if (torn_ > 0) {
      size_t n = std::min<size_t>(static_cast<size_t>(torn_), data.size());
      (void)base_.write(fd, data.substr(0, n), offset);
    }
    return errno_status(ENOSPC, "write");
  }
  return base_.write(fd, data, offset);
}

}  // namespace shipper::buffer
