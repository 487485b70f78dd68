#include "buffer/file_buffer.hpp"

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <regex>

#include "buffer/backup.hpp"
#include "config/diagnostic.hpp"

namespace shipper::buffer {

namespace {
int parse_mode(const std::optional<std::string>& v, const std::string& fallback) {
  const std::string& s = v ? *v : fallback;
  try {
    return static_cast<int>(std::stoul(s, nullptr, 8));
  } catch (...) {
    return 0644;
  }
}

[[noreturn]] void config_error(const PluginContext& ctx, std::string msg) {
  config::Diagnostic d;
  if (ctx.element) d.loc = ctx.element->loc;
  d.code = "invalid-buffer";
  d.message = std::move(msg);
  throw config::ConfigException{d};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::string resolve_buffer_pattern(const FileBufferParams& p, const PluginContext& ctx) {
  std::string path;
  bool explicit_path = p.path.has_value();
  if (!explicit_path) {
    if (!ctx.system || ctx.system->root_dir.empty() || !ctx.has_explicit_id)
      config_error(ctx, "buffer path is not configured. specify 'path' parameter");
    path = ctx.system->root_dir + "/worker0/" + ctx.id + "/buffer";
  } else {
    path = *p.path;
  }
  struct stat st {};
  bool is_dir = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (is_dir || (!exists && path.find(".*") == std::string::npos)) {
    std::string dir = path;
    if (explicit_path && ctx.system && ctx.system->workers > 1) dir += "/worker0";
    return dir + "/buffer.*" + p.path_suffix;
  }
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (base.find(".*.") != std::string::npos) return path;
  if (ends_with(path, ".*")) return path + p.path_suffix;
  return path + ".*" + p.path_suffix;
}

std::string chunk_path(const std::string& pattern, char state, const ChunkId& id) {
  std::string out = pattern;
  size_t star = out.rfind('*');
  out.replace(star, 1, std::string(1, state) + chunk_id_hex(id));
  return out;
}

Result<ScanResult> scan_chunk_file(FileSystem& fs, const std::string& path) {
  auto info = fs.stat(path);
  if (!info) return info.status();
  ScanResult r;
  r.file_size = info->size;
  auto fd = fs.open_read(path);
  if (!fd) return fd.status();
  std::string window;
  uint64_t window_off = 0;  // file offset of window[0]
  uint64_t read_off = 0;
  constexpr size_t kBlock = 1 << 20;
  bool eof = false;
  while (true) {
    EntryReader reader(window);
    EntryView e;
    while (reader.next(e)) ++r.records;
    size_t consumed = reader.offset();
    r.valid_bytes = window_off + consumed;
    if (reader.ok() && consumed == window.size() && eof) break;
    if (eof) break;  // the rest is torn or garbage
    window.erase(0, consumed);
    window_off += consumed;
    // An entry larger than 256 MiB cannot be a valid one: stop there.
    if (window.size() > (256u << 20)) break;
    size_t old = window.size();
    window.resize(old + kBlock);
    auto n = fs.read(*fd, window.data() + old, kBlock, read_off);
    if (!n) {
      fs.close(*fd);
      return n.status();
    }
    window.resize(old + *n);
    read_off += *n;
    if (*n == 0) eof = true;
  }
  fs.close(*fd);
  return r;
}

FileChunk::~FileChunk() {
  close_files();
}

void FileChunk::close_files() {
  if (fd_ >= 0) fs_.close(fd_);
  if (meta_fd_ >= 0) fs_.close(meta_fd_);
  fd_ = meta_fd_ = -1;
}

Status FileChunk::create() {
  auto fd = fs_.open_append(path_, mode_);
  if (!fd) return fd.status();
  fd_ = *fd;
  auto mfd = fs_.open_write(meta_path(), mode_);
  if (!mfd) {
    close_files();
    (void)fs_.unlink(path_);
    return mfd.status();
  }
  meta_fd_ = *mfd;
  Status st = write_meta(0, modified_at_);
  if (!st) {
    close_files();
    (void)fs_.unlink(path_);
    (void)fs_.unlink(meta_path());
  }
  return st;
}

Status FileChunk::write_meta(uint32_t records, int64_t modified) {
  ChunkMeta m;
  m.metadata = metadata_;
  m.id = id_;
  m.records = records;
  m.created = created_at_;
  m.modified = modified;
  std::string bytes = encode_chunk_meta(m);
  bool opened_here = false;
  if (meta_fd_ < 0) {
    auto mfd = fs_.open_write(meta_path(), mode_);
    if (!mfd) return mfd.status();
    meta_fd_ = *mfd;
    opened_here = true;
  }
  // Rewritten in place from offset 0, never truncated, as Fluentd does.
  Status st = fs_.write(meta_fd_, bytes, 0);
  if (opened_here) {
    fs_.close(meta_fd_);
    meta_fd_ = -1;
  }
  return st;
}

Status FileChunk::append(std::string_view data, uint32_t records) {
  if (fd_ < 0) {
    auto fd = fs_.open_append(path_, mode_);
    if (!fd) return fd.status();
    fd_ = *fd;
  }
  Status st = fs_.write(fd_, data);
  if (!st) {
    (void)fs_.truncate(path_, bytes_ + pending_bytes_);
    return st;
  }
  pending_bytes_ += data.size();
  pending_records_ += records;
  return Status::ok();
}

Status FileChunk::commit(int64_t now) {
  Status st = write_meta(records_ + pending_records_, now);
  if (!st) return st;
  bytes_ += pending_bytes_;
  records_ += pending_records_;
  pending_bytes_ = 0;
  pending_records_ = 0;
  modified_at_ = now;
  return Status::ok();
}

Status FileChunk::rollback() {
  if (pending_bytes_ == 0 && pending_records_ == 0) return Status::ok();
  pending_bytes_ = 0;
  pending_records_ = 0;
  return fs_.truncate(path_, bytes_);
}

Status FileChunk::mark_queued() {
  close_files();
  std::string q = path_;
  size_t pos = q.rfind(".b" + chunk_id_hex(id_) + ".");
  if (pos == std::string::npos) {
    pos = q.rfind(".b" + chunk_id_hex(id_));
    if (pos == std::string::npos) return Status::ok();  // already queued or a legacy name
  }
  q[pos + 1] = 'q';
  std::string old_meta = meta_path();
  Status st = fs_.rename(path_, q);
  if (!st) return st;
  path_ = q;
  st = fs_.rename(old_meta, meta_path());
  if (!st) return st;
  return write_meta(records_, modified_at_);
}

Status FileChunk::purge() {
  close_files();
  Status a = fs_.unlink(path_);
  Status b = fs_.unlink(meta_path());
  bytes_ = 0;
  records_ = 0;
  return a ? b : a;
}

Status FileChunk::read_raw(std::string& out) const {
  return read_range(0, bytes_, out);
}

Status FileChunk::read_range(uint64_t offset, size_t length, std::string& out) const {
  if (offset >= bytes_) return Status::ok();
  const uint64_t want = std::min<uint64_t>(length, bytes_ - offset);
  auto fd = fs_.open_read(path_);
  if (!fd) return fd.status();
  size_t base = out.size();
  out.resize(base + want);
  uint64_t got = 0;
  while (got < want) {
    auto n = fs_.read(*fd, out.data() + base + got, want - got, offset + got);
    if (!n) {
      fs_.close(*fd);
      out.resize(base);
      return n.status();
    }
    if (*n == 0) break;
    got += *n;
  }
  fs_.close(*fd);
  out.resize(base + got);
  if (got < want)
    return error(StatusCode::kCorrupt, "chunk file is shorter than its committed size: " + path_);
  return Status::ok();
}

FileBuffer::FileBuffer(Params params, PluginContext& ctx)
    : Buffer(params, ctx, BufferDefaults{256ull << 20, 64ull << 30, false}), fparams_(params) {
  persistent_ = true;
  pattern_ = resolve_buffer_pattern(fparams_, ctx);
  std::string sys_file = ctx.system ? ctx.system->file_permission : "0644";
  std::string sys_dir = ctx.system ? ctx.system->dir_permission : "0755";
  file_mode_ = parse_mode(fparams_.file_permission, sys_file);
  dir_mode_ = parse_mode(fparams_.dir_permission, sys_dir);
}

Result<ChunkPtr> FileBuffer::generate_chunk(const ChunkMetadata& meta) {
  ChunkId id = generate_chunk_id();
  auto c = std::make_shared<FileChunk>(*fs_, chunk_path(pattern_, 'b', id), file_mode_);
  c->init(id, meta, compression(), static_cast<int64_t>(::time(nullptr)),
          params().decompression_size_limit.bytes);
  Status st = c->create();
  if (!st && !is_disk_full(st)) {
    // Events can arrive before start() resumed (and so created) the directory, e.g. the
    // shipper's own log events; and someone may remove it while running. Fluentd makes the
    // directory whenever it makes a chunk.
    std::string dir = pattern_.substr(0, pattern_.rfind('/'));
    if (fs_->mkdirs(dir, dir_mode_)) st = c->create();
  }
  if (!st) {
    if (is_disk_full(st)) return st;
    // Fluentd surfaces a failed chunk creation as a buffer overflow (overflow_action applies).
    return error(StatusCode::kBufferFull, "failed to create a buffer chunk: " + st.message());
  }
  return ChunkPtr(c);
}

void FileBuffer::set_aside(const std::string& path, const std::string& reason) {
  std::string to = path + ".corrupt";
  Status st = fs_->rename(path, to);
  log_.error("found broken chunk file during resume, moved aside path=\"" + to + "\" reason=\"" +
             reason + "\"" + (st ? "" : " rename_error=\"" + st.message() + "\""));
  Status mst = fs_->rename(path + ".meta", to + ".meta");
  (void)mst;
}

Status FileBuffer::resume(Resumed& out) {
  std::string dir = pattern_.substr(0, pattern_.rfind('/'));
  Status st = fs_->mkdirs(dir, dir_mode_);
  if (!st) return st;
  static const std::regex state_re(R"(\.(b|q)([0-9a-f]+)\.[^/]*$)");
  std::vector<ChunkPtr> queued;
  for (const std::string& path : fs_->glob(pattern_)) {
    if (ends_with(path, ".meta") || ends_with(path, ".corrupt")) continue;
    std::smatch m;
    if (!std::regex_search(path, m, state_re)) continue;
    char state = m[1].str()[0];
    auto info = fs_->stat(path);
    if (!info || !info->regular) continue;

    std::optional<ChunkMeta> meta;
    std::string meta_bytes;
    bool has_meta_file = fs_->stat(path + ".meta").is_ok();
    if (has_meta_file) {
      Status rst = read_file(*fs_, path + ".meta", meta_bytes);
      auto decoded = rst ? decode_chunk_meta(meta_bytes) : Result<ChunkMeta>(rst);
      if (!decoded) {
        set_aside(path, "unreadable meta: " + decoded.status().message());
        continue;
      }
      meta = *decoded;
    }
    if (info->size == 0) {
      // Nothing was ever committed to it (crash right after creation): nothing to lose.
      (void)fs_->unlink(path);
      (void)fs_->unlink(path + ".meta");
      continue;
    }
    uint64_t valid = info->size;
    uint32_t records = meta ? meta->records : 0;
    if (compression() == Compression::kText && !opaque_chunks()) {
      auto scan = scan_chunk_file(*fs_, path);
      if (!scan) {
        set_aside(path, scan.status().message());
        continue;
      }
      if (scan->valid_bytes == 0) {
        set_aside(path, "no valid event at the start of the chunk");
        continue;
      }
      if (scan->valid_bytes < scan->file_size) {
        // A torn write: keep the whole events, move the broken tail aside.
        std::string tail;
        std::string all;
        if (read_file(*fs_, path, all)) {
          tail = all.substr(scan->valid_bytes);
          auto fd = fs_->open_append(path + ".corrupt", file_mode_);
          if (fd) {
            (void)fs_->write(*fd, tail);
            fs_->close(*fd);
          }
        }
        Status tst = fs_->truncate(path, scan->valid_bytes);
        log_.warn("chunk file has a broken tail (torn write); kept the complete events path=\"" +
                  path + "\" kept_bytes=" + std::to_string(scan->valid_bytes) + " cut_bytes=" +
                  std::to_string(scan->file_size - scan->valid_bytes) + " moved_to=\"" + path +
                  ".corrupt\"" + (tst ? "" : " error=\"" + tst.message() + "\""));
      }
      valid = scan->valid_bytes;
      records = scan->records;
    }
    auto c = std::make_shared<FileChunk>(*fs_, path, file_mode_);
    if (meta) {
      c->init(meta->id, meta->metadata, compression(), meta->created,
              params().decompression_size_limit.bytes);
      c->set_counts(records, valid, meta->created, meta->modified);
    } else {
      // A chunk without meta (v0.12 style): queued, with empty metadata.
      auto id = chunk_id_from_hex(m[2].str()).value_or(generate_chunk_id());
      c->init(id, ChunkMetadata{}, compression(), info->ctime,
              params().decompression_size_limit.bytes);
      c->set_counts(records, valid, info->ctime, info->mtime);
      state = 'q';
    }
    if (state == 'b') {
      c->state = ChunkState::kStaged;
      out.staged.push_back(c);
    } else {
      c->state = ChunkState::kQueued;
      queued.push_back(c);
    }
  }
  std::stable_sort(queued.begin(), queued.end(), [](const ChunkPtr& a, const ChunkPtr& b) {
    return a->modified_at() < b->modified_at();
  });
  out.queued = std::move(queued);
  if (!out.staged.empty() || !out.queued.empty())
    log_.info("resumed buffer chunks staged=" + std::to_string(out.staged.size()) +
              " queued=" + std::to_string(out.queued.size()) + " path=\"" + pattern_ + "\"");
  return Status::ok();
}

}  // namespace shipper::buffer
