#include "plugins/in_tail/tail_input.hpp"

#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <limits>

#include "core/text.hpp"
#include "core/time_zone.hpp"
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/in_tail/group_throttle.hpp"
#include "plugins/in_tail/watcher.hpp"

namespace shipper::in_tail {

namespace {

double mono_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Expands strftime directives with the current time in `zone` (path_timezone), or in the
// process's local time when there is none.
std::string strftime_path(const std::string& pattern, const std::optional<TimeZone>& zone) {
  if (pattern.find('%') == std::string::npos) return pattern;
  time_t now = time(nullptr);
  struct tm tm {};
  if (zone && zone->kind() != TimeZone::Kind::kLocal) {
    int32_t offset = zone->offset_at(static_cast<int64_t>(now));
    time_t shifted = now + offset;
    gmtime_r(&shifted, &tm);
    tm.tm_gmtoff = offset;  // %z
    tm.tm_zone = "";        // %Z: Ruby prints no name for a fixed offset either
  } else {
    localtime_r(&now, &tm);
  }
  std::string out(pattern.size() * 2 + 64, '\0');
  size_t n = strftime(out.data(), out.size(), pattern.c_str(), &tm);
  out.resize(n);
  return n ? out : pattern;
}

bool uses_glob(const std::string& path, const std::string& policy) {
  bool star = path.find('*') != std::string::npos;
  if (policy == "backward_compatible") return star;
  bool extended = star || path.find('?') != std::string::npos ||
                  (path.find('[') != std::string::npos && path.find(']') != std::string::npos);
  if (policy == "extended") return extended;
  return extended || (path.find('{') != std::string::npos && path.find('}') != std::string::npos);
}

std::vector<std::string> glob_paths(const std::string& pattern, bool braces) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), braces ? GLOB_BRACE : 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

std::vector<std::string> split_paths(const std::string& path, const std::string& delimiter) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = delimiter.empty() ? std::string::npos : path.find(delimiter, start);
    std::string piece(trim(std::string_view(path).substr(
        start, at == std::string::npos ? std::string::npos : at - start)));
    if (!piece.empty() && std::find(out.begin(), out.end(), piece) == out.end())
      out.push_back(piece);
    if (at == std::string::npos) break;
    start = at + delimiter.size();
  }
  return out;
}

}  // namespace

std::string TailInput::tag_for(const std::string& tag, const std::string& path) {
  size_t star = tag.find('*');
  if (star == std::string::npos) return tag;
  std::string prefix = tag.substr(0, star);
  std::string rest = tag.substr(star + 1);
  std::string suffix = rest.substr(0, rest.find('*'));
  std::string p;
  for (char c : path) {
    char d = c == '/' ? '.' : c;
    if (d == '.' && !p.empty() && p.back() == '.') continue;
    p += d;
  }
  if (!p.empty() && p.front() == '.') p.erase(0, 1);
  return prefix + p + suffix;
}

TailInput::TailInput(Params params, PluginContext& ctx) : params_(std::move(params)), ctx_(ctx) {
  patterns_ = split_paths(params_.path, params_.path_delimiter);
  if (params_.path_timezone) path_zone_ = TimeZone::parse_fluentd(*params_.path_timezone);
  if (params_.group) groups_ = std::make_unique<GroupThrottle>(*params_.group);
  multiline_mode_ = params_.parse.type.find("multiline") != std::string::npos;
  if (ctx_.registry && params_.parse.present()) {
    PluginContext sub = ctx_;
    sub.kind = config::PluginKind::kParser;
    sub.type = params_.parse.type;
    sub.element = params_.parse.element;
    config::Diagnostics diags;
    config::BindContext bind;
    bind.diags = &diags;
    bind.section_path = "parse";
    parser_ = ctx_.registry->create_as<Parser>(sub, bind);
  }
  if (params_.from_encoding && params_.encoding) {
    Status s = converter_.open(*params_.from_encoding, *params_.encoding);
    if (!s) ctx_.log.warn("in_tail: " + s.message() + "; lines are read as binary");
  }
  if (params_.bytes_limit_enabled() && params_.read_bytes_limit_per_second.bytes < 8192)
    ctx_.log.warn(
        "Should specify greater equal than 8192. Use 8192 for read_bytes_limit_per_second");
  if (!params_.pos_file && !ctx_.dry_run) {
    ctx_.log.warn("'pos_file PATH' parameter is not set to a 'tail' source.");
    ctx_.log.warn("this parameter is highly recommended to save the position to resume tailing.");
  }
}

TailInput::~TailInput() {
  stop();
  close();
}

std::vector<std::string> TailInput::expand_paths() const {
  std::vector<std::string> paths;
  auto now = std::chrono::system_clock::now();
  for (const auto& pattern : patterns_) {
    std::string p = strftime_path(pattern, path_zone_);
    if (uses_glob(p, params_.glob_policy)) {
      for (auto& match : glob_paths(p, params_.glob_policy == "always")) {
        struct stat st {};
        if (::stat(match.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
        if (::access(match.c_str(), R_OK) != 0) {
          continue;
        }
        if (params_.limit_recently_modified) {
          auto mtime = std::chrono::system_clock::from_time_t(st.st_mtime);
          if (mtime <
              now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                        std::chrono::duration<double>(params_.limit_recently_modified->seconds)))
            continue;
        }
        if (std::find(paths.begin(), paths.end(), match) == paths.end()) paths.push_back(match);
      }
    } else if (std::find(paths.begin(), paths.end(), p) == paths.end()) {
      paths.push_back(p);
    }
  }
  std::vector<std::string> excluded;
  for (const auto& pattern : params_.exclude_path) {
    std::string p = strftime_path(pattern, path_zone_);
    if (uses_glob(p, params_.glob_policy)) {
      for (auto& m : glob_paths(p, params_.glob_policy == "always")) excluded.push_back(m);
    } else {
      excluded.push_back(p);
    }
  }
  std::vector<std::string> out;
  for (auto& p : paths) {
    if (std::find(excluded.begin(), excluded.end(), p) != excluded.end()) continue;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) continue;  // missing or a dangling symlink
    out.push_back(p);
  }
  return out;
}

Status TailInput::start() {
  if (!parser_)
    return error(StatusCode::kInvalidArgument,
                 "in_tail: the <parse> section did not build a parser");
  if (params_.pos_file) {
    auto targets = expand_paths();
    std::vector<uint64_t> inodes;
    if (params_.follow_inodes) {
      pos_file_.set_key_by_inode(true);
      for (const auto& p : targets) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) inodes.push_back(st.st_ino);
      }
    }
    Status s = pos_file_.open(*params_.pos_file, 0644, 0755, [&](const tail::PosEntry& e) {
      if (params_.follow_inodes)
        return std::find(inodes.begin(), inodes.end(), e.inode) != inodes.end();
      return std::find(targets.begin(), targets.end(), e.path) != targets.end();
    });
    if (!s) return s;
  }
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (params_.enable_stat_watcher) inotify_fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void TailInput::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
}

void TailInput::shutdown() {}

void TailInput::close() {
  std::lock_guard lock(lists_mu_);
  for (auto& w : watchers_) close_watcher(*w);
  for (auto& w : rotated_) close_watcher(*w);
  watchers_.clear();
  rotated_.clear();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  inotify_fd_ = wake_fd_ = -1;
}

void TailInput::close_fd(Watcher& w) {
  if (w.fd < 0) return;
  ::close(w.fd);
  w.fd = -1;
  closed_files_.add();
}

void TailInput::close_watcher(Watcher& w) {
  close_fd(w);
  if (w.inotify_wd >= 0 && inotify_fd_ >= 0) ::inotify_rm_watch(inotify_fd_, w.inotify_wd);
  w.inotify_wd = -1;
}

void TailInput::warn_limited(const std::string& message) {
  // At most 100 warnings a second per source; the rest are counted and summarised.
  double now = mono_now();
  if (now - warn_window_start_ >= 1.0) {
    if (suppressed_warns_ > 0)
      ctx_.log.warn("suppressed " + std::to_string(suppressed_warns_) + " similar warnings");
    warn_window_start_ = now;
    warns_in_window_ = 0;
    suppressed_warns_ = 0;
  }
  if (++warns_in_window_ <= 100)
    ctx_.log.warn(message);
  else
    ++suppressed_warns_;
}

void TailInput::add_watcher(const std::string& path, bool startup) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  auto w = std::make_unique<Watcher>();
  w->path = path;
  w->tag = tag_for(params_.tag, path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    warn_limited(path + " unreadable. It is excluded and would be examined next time.");
    return;
  }
  // The file's identity is the one opened: the path may have been rotated since the stat.
  ::fstat(fd, &st);
  w->fd = fd;
  opened_files_.add();
  w->inode = st.st_ino;
  w->dev = st.st_dev;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t start = 0;
  tail::PosEntry* e = params_.follow_inodes ? pos_file_.find_inode(w->inode) : pos_file_.find(path);
  if (e && e->inode == w->inode) {
    start = size >= e->pos ? e->pos : 0;
    if (start != e->pos) pos_file_.update_pos(e, start);
  } else if (e) {
    start = 0;
    pos_file_.update(e, 0, w->inode);
  } else {
    start = (startup && !params_.read_from_head) ? size : 0;
    e = pos_file_.add(path, start, w->inode);
  }
  w->pos = e;
  w->committed = w->read_offset = start;
  w->last_size = size;
  if (inotify_fd_ >= 0)
    w->inotify_wd =
        ::inotify_add_watch(inotify_fd_, path.c_str(),
                            IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_CLOSE_WRITE);
  if (groups_) {
    bool unmatched = false;
    w->group = groups_->join(path, &unmatched);
    if (unmatched)
      ctx_.log.warn("Cannot find group from metadata, Adding file in the default group");
  }
  ctx_.log.info("following tail of " + path);
  std::lock_guard lock(lists_mu_);
  watchers_.push_back(std::move(w));
}

void TailInput::refresh(bool startup) {
  auto targets = expand_paths();
  double now = mono_now();
  if (params_.follow_inodes) {
    refresh_by_inode(targets, startup, now);
    return;
  }
  // Gone from the target set: detached after rotate_wait, the pos entry marked unwatched.
  for (auto& w : watchers_) {
    bool present = std::find(targets.begin(), targets.end(), w->path) != targets.end();
    if (!present && w->unwatch_at == 0) w->unwatch_at = now + params_.rotate_wait.seconds;
    if (present) w->unwatch_at = 0;
  }
  for (const auto& path : targets) {
    bool known = std::any_of(watchers_.begin(), watchers_.end(),
                             [&](const auto& w) { return w->path == path; });
    if (!known) add_watcher(path, startup);
  }
}

void TailInput::refresh_by_inode(const std::vector<std::string>& targets, bool startup,
                                 double now) {
  // follow_inodes (spec 1.9.6): the target set is keyed by inode, so a rotated file that the
  // glob still matches is the file already being read, not a new one.
  std::vector<std::pair<std::string, uint64_t>> found;
  for (const auto& p : targets) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) found.emplace_back(p, static_cast<uint64_t>(st.st_ino));
  }
  auto has_inode = [&](uint64_t ino) {
    return std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.second == ino; });
  };
  for (auto& w : watchers_) {
    bool present = has_inode(w->inode);
    if (!present && w->unwatch_at == 0) w->unwatch_at = now + params_.rotate_wait.seconds;
    if (present) w->unwatch_at = 0;
  }
  auto watched = [&](uint64_t ino) {
    auto same = [&](const auto& w) { return w->inode == ino && w->unwatch_at == 0; };
    return std::any_of(watchers_.begin(), watchers_.end(), same) ||
           std::any_of(rotated_.begin(), rotated_.end(), same);
  };
  for (const auto& [path, ino] : found) {
    if (!watched(ino)) add_watcher(path, startup);
  }
  // Entries of inodes no longer among the targets and read by nobody: unwatched.
  for (const auto& e : pos_file_.entries()) {
    if (e.pos == tail::kUnwatchedPosition || has_inode(e.inode)) continue;
    auto holds = [&](const auto& w) { return w->pos == &e; };
    if (std::any_of(watchers_.begin(), watchers_.end(), holds) ||
        std::any_of(rotated_.begin(), rotated_.end(), holds))
      continue;
    pos_file_.unwatch(const_cast<tail::PosEntry*>(&e));
  }
}

void TailInput::wait(double seconds) {
  pollfd fds[2];
  int n = 0;
  fds[n++] = {wake_fd_, POLLIN, 0};
  if (inotify_fd_ >= 0) fds[n++] = {inotify_fd_, POLLIN, 0};
  int ms = static_cast<int>(seconds * 1000);
  if (ms < 1) ms = 1;
  if (::poll(fds, n, ms) > 0 && inotify_fd_ >= 0 && (fds[1].revents & POLLIN)) {
    char buf[4096];
    while (::read(inotify_fd_, buf, sizeof buf) > 0) {
    }
  }
}

void TailInput::run() {
  const double stat_interval = 0.25;  // inotify wakes us earlier; this bounds a missed event
  double now = mono_now();
  bool startup = true;
  double next_refresh =
      params_.skip_refresh_on_startup ? now + params_.refresh_interval.seconds : now;
  const double never = std::numeric_limits<double>::infinity();
  double next_compaction = params_.pos_file && params_.pos_file_compaction_interval
                               ? now + params_.pos_file_compaction_interval->seconds
                               : never;
  while (!stopping_) {
    now = mono_now();
    if (now >= next_refresh) {
      refresh(startup);
      startup = false;
      next_refresh = now + params_.refresh_interval.seconds;
    }
    bool more = false;
    if (now >= next_compaction) {
      Status s = pos_file_.compact();
      if (!s) warn_limited("pos_file compaction failed: " + s.message());
      next_compaction = now + params_.pos_file_compaction_interval->seconds;
    }
    for (auto& w : watchers_) {
      if (params_.open_on_every_update && w->fd < 0) reopen_for_update(*w);
      check_rotation(*w, now);
      if (w->fd >= 0 && now >= w->retry_after) drain(*w, now, 8, &more);
      if (params_.open_on_every_update) close_fd(*w);
      if (multiline_mode_ && params_.multiline_flush_interval && !w->ml_pending.empty() &&
          now - w->ml_last_line >= params_.multiline_flush_interval->seconds) {
        EventBatch batch;
        begin_batch(*w, batch);
        flush_multiline(*w, batch, false);
        if (!batch.empty()) emit(*w, batch);
      }
    }
    for (auto& w : rotated_) {
      bool had_more = false;
      if (now >= w->retry_after) drain(*w, now, 8, &had_more);
      more = more || had_more;
      // A throttled file is read to its end before it is let go (Fluentd does the same).
      bool throttled =
          params_.bytes_limit_enabled() || (w->group && GroupThrottle::limited(*w->group));
      if (!had_more && now >= w->rotated_at + params_.rotate_wait.seconds &&
          (!throttled || w->at_eof))
        w->done = true;
    }
    bool rotated_done =
        std::any_of(rotated_.begin(), rotated_.end(), [](const auto& w) { return w->done; });
    bool unwatched = std::any_of(watchers_.begin(), watchers_.end(), [&](const auto& w) {
      return w->unwatch_at != 0 && now >= w->unwatch_at;
    });
    if (rotated_done || unwatched) {
      std::lock_guard lock(lists_mu_);
      std::erase_if(rotated_, [&](const auto& w) {
        if (!w->done) return false;
        close_watcher(*w);
        return true;
      });
      std::erase_if(watchers_, [&](const auto& w) {
        if (w->unwatch_at == 0 || now < w->unwatch_at) return false;
        if (w->pos) pos_file_.unwatch(w->pos);
        if (groups_) groups_->leave(w->group);
        close_watcher(*w);
        return true;
      });
    }
    if (!more) wait(std::min(stat_interval, std::max(0.01, next_refresh - mono_now())));
  }
  // Graceful stop: read what is complete, flush pending multiline events, nothing more.
  double end = mono_now() + 5.0;
  for (auto* list : {&watchers_, &rotated_}) {
    for (auto& w : *list) {
      if (params_.open_on_every_update && w->fd < 0 && list == &watchers_) reopen_for_update(*w);
      bool more = true;
      while (more && w->fd >= 0 && mono_now() < end) {
        more = false;
        if (!drain(*w, mono_now(), 8, &more)) break;
      }
      if (multiline_mode_ && !w->ml_pending.empty()) {
        EventBatch batch;
        begin_batch(*w, batch);
        flush_multiline(*w, batch, true);
        if (!batch.empty()) emit(*w, batch);
      }
    }
  }
}

void TailInput::report(PluginReport& report) const {
  struct Seen {
    std::string path;
    uint64_t inode, position, size;
    bool closed;
  };
  std::vector<Seen> seen;
  {
    std::lock_guard lock(lists_mu_);
    seen.reserve(watchers_.size() + rotated_.size());
    for (const auto& w : watchers_) {
      // No open file (it was rotated away and nothing replaced it yet): nothing to report.
      if (w->fd < 0 && !params_.open_on_every_update) continue;
      seen.push_back({w->path, w->inode, w->committed,
                      std::max<uint64_t>(w->last_size, w->read_offset), w->unwatch_at != 0});
    }
    for (const auto& w : rotated_)
      seen.push_back({w->path, w->inode, w->committed,
                      std::max<uint64_t>(w->last_size, w->read_offset), true});
  }
  for (auto& s : seen) {
    TailFileReport f;
    f.path = std::move(s.path);
    f.inode = s.inode;
    f.position = s.position;
    f.size = s.size;
    f.closed = s.closed;
    // The current size when the path still names this file; otherwise (rotated away) the last
    // size the reading thread saw.
    struct stat st {};
    if (!s.closed && ::stat(f.path.c_str(), &st) == 0 &&
        static_cast<uint64_t>(st.st_ino) == f.inode)
      f.size = static_cast<uint64_t>(st.st_size);
    report.tail_files.push_back(std::move(f));
  }
  report.set("opened_file_count", static_cast<double>(opened_files_.get()));
  report.set("closed_file_count", static_cast<double>(closed_files_.get()));
  report.set("rotated_file_count", static_cast<double>(rotated_files_.get()));
  report.set("throttled_log_count", static_cast<double>(throttled_reads_.get()));
  report.set("tracked_file_count", static_cast<double>(report.tail_files.size()));
}

}  // namespace shipper::in_tail
