#include "io/tail/pos_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace shipper::tail {

namespace {

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

uint64_t hex_value(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    int d = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

std::string hex16(uint64_t v) {
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string format_pos_line(const std::string& path, uint64_t pos, uint64_t inode) {
  return path + "\t" + hex16(pos) + "\t" + hex16(inode) + "\n";
}

std::vector<PosEntry> parse_pos_file(const std::string& text, size_t* skipped) {
  std::vector<PosEntry> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    // ^([^\t]+)\t([0-9a-fA-F]+)\t([0-9a-fA-F]+)
    size_t t1 = line.find('\t');
    bool ok = t1 != std::string_view::npos && t1 > 0;
    size_t p = t1 + 1, pe = p;
    if (ok) {
      while (pe < line.size() && is_hex(line[pe])) ++pe;
      ok = pe > p && pe < line.size() && line[pe] == '\t';
    }
    size_t i = pe + 1, ie = i;
    if (ok) {
      while (ie < line.size() && is_hex(line[ie])) ++ie;
      ok = ie > i;
    }
    if (!ok) {
      if (skipped && !line.empty()) ++*skipped;
      continue;
    }
    std::string_view pos_text = line.substr(p, pe - p);
    std::string_view ino_text = line.substr(i, ie - i);
    if (pos_text.size() > 16) pos_text = pos_text.substr(pos_text.size() - 16);
    if (ino_text.size() > 16) ino_text = ino_text.substr(ino_text.size() - 16);
    out.push_back({std::string(line.substr(0, t1)), hex_value(pos_text), hex_value(ino_text), 0});
  }
  return out;
}

PositionFile::~PositionFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status PositionFile::open(const std::string& path, mode_t file_mode, mode_t dir_mode,
                          const std::function<bool(const PosEntry&)>& keep) {
  path_ = path;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec)
        return error(StatusCode::kIoError, "cannot create " + dir.string() + ": " + ec.message());
      ::chmod(dir.c_str(), dir_mode);
    }
  }
  std::string text;
  int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (rfd >= 0) {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(rfd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    ::close(rfd);
  }
  std::vector<PosEntry> parsed = parse_pos_file(text, &skipped_);
  // Keep the last entry of each path; drop unwatched ones and those not wanted.
  std::vector<PosEntry> kept;
  for (auto& e : parsed) {
    if (e.pos == kUnwatchedPosition) continue;
    std::erase_if(
        kept, [&](const PosEntry& k) { return by_inode_ ? k.inode == e.inode : k.path == e.path; });
    kept.push_back(std::move(e));
  }
  std::erase_if(kept, [&](const PosEntry& e) { return keep && !keep(e); });
  std::string out;
  for (auto& e : kept) {
    e.line_offset = static_cast<off_t>(out.size());
    out += format_pos_line(e.path, e.pos, e.inode);
  }
  file_mode_ = file_mode;
  Status s = rewrite(out, file_mode);
  if (!s) return s;
  end_ = static_cast<off_t>(out.size());
  entries_.assign(kept.begin(), kept.end());
  return Status::ok();
}

Status PositionFile::rewrite(const std::string& out, mode_t file_mode) {
  std::string tmp = path_ + ".tmp";
  int wfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file_mode);
  if (wfd < 0)
    return error(StatusCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
  ::fchmod(wfd, file_mode);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(wfd, out.data() + done, out.size() - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      ::close(wfd);
      ::unlink(tmp.c_str());
      return error(StatusCode::kIoError, "cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  ::close(wfd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return error(StatusCode::kIoError, "cannot rename " + tmp + ": " + std::strerror(errno));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0)
    return error(StatusCode::kIoError, "cannot open " + path_ + ": " + std::strerror(errno));
  return Status::ok();
}

Status PositionFile::compact() {
  if (fd_ < 0) return Status::ok();
  // Same filtering as at startup, minus the target-set rule: unwatched entries go, and of
  // entries sharing a key the last one stays.
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool drop = it->pos == kUnwatchedPosition;
    if (!drop) {
      for (auto later = std::next(it); later != entries_.end(); ++later) {
        if (later->pos == kUnwatchedPosition) continue;
        if (by_inode_ ? later->inode == it->inode : later->path == it->path) {
          drop = true;
          break;
        }
      }
    }
    it = drop ? entries_.erase(it) : std::next(it);
  }
  std::string out;
  std::vector<off_t> offsets;
  for (auto& e : entries_) {
    offsets.push_back(static_cast<off_t>(out.size()));
    out += format_pos_line(e.path, e.pos, e.inode);
  }
  Status s = rewrite(out, file_mode_);
  if (!s) return s;
  size_t i = 0;
  for (auto& e : entries_) e.line_offset = offsets[i++];
  end_ = static_cast<off_t>(out.size());
  return Status::ok();
}

PosEntry* PositionFile::find_inode(uint64_t inode) {
  for (auto& e : entries_)
    if (e.inode == inode && e.pos != kUnwatchedPosition) return &e;
  return nullptr;
}

PosEntry* PositionFile::find(const std::string& path) {
  for (auto& e : entries_)
    if (e.path == path) return &e;
  return nullptr;
}

PosEntry* PositionFile::add(const std::string& path, uint64_t pos, uint64_t inode) {
  entries_.push_back({path, pos, inode, end_});
  std::string line = format_pos_line(path, pos, inode);
  write_at(end_, line);
  end_ += static_cast<off_t>(line.size());
  return &entries_.back();
}

void PositionFile::update_pos(PosEntry* e, uint64_t pos) {
  if (e->pos == pos) return;
  e->pos = pos;
  write_at(e->line_offset + static_cast<off_t>(e->path.size()) + 1, hex16(pos));
}

void PositionFile::update(PosEntry* e, uint64_t pos, uint64_t inode) {
  e->pos = pos;
  e->inode = inode;
  write_at(e->line_offset + static_cast<off_t>(e->path.size()) + 1,
           hex16(pos) + "\t" + hex16(inode));
}

void PositionFile::write_at(off_t offset, const std::string& bytes) {
  if (fd_ < 0) return;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd_, bytes.data() + done, bytes.size() - done, offset + static_cast<off_t>(done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;  // disk full / I/O error: the position is kept in memory; the next update retries
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace shipper::tail
