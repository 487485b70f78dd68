// A watched path changing under in_tail: rename-and-create rotation, copytruncate, deletion, a
// re-pointed symlink (spec §1.9). The old file is kept for rotate_wait; the new one is followed
// from its start.
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "plugins/in_tail/tail_input.hpp"
#include "plugins/in_tail/watcher.hpp"

namespace shipper::in_tail {

namespace {

std::string seconds_text(double s) {
  if (s == static_cast<double>(static_cast<int64_t>(s)))
    return std::to_string(static_cast<int64_t>(s));
  char b[32];
  snprintf(b, sizeof b, "%g", s);
  return b;
}

}  // namespace

void TailInput::reopen_for_update(Watcher& w) {
  int fd = ::open(w.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_ino == w.inode && st.st_dev == w.dev) {
    w.fd = fd;
    opened_files_.add();
    return;
  }
  // Another file now: check_rotation switches to it at once (no rotate_wait in this mode).
  ::close(fd);
}

void TailInput::check_rotation(Watcher& w, double now) {
  struct stat st {};
  bool exists = ::stat(w.path.c_str(), &st) == 0;
  if (exists && w.fd >= 0 && st.st_ino == w.inode && st.st_dev == w.dev) {
    if (static_cast<uint64_t>(st.st_size) < w.last_size &&
        static_cast<uint64_t>(st.st_size) < w.read_offset) {
      // copytruncate: same file, smaller than what was read
      w.reset_to(0);
      if (w.pos) pos_file_.update_pos(w.pos, 0);
    }
    w.last_size = static_cast<uint64_t>(st.st_size);
    return;
  }
  if (exists && w.fd >= 0 && st.st_ino == w.inode) return;
  // open_on_every_update between reads: still the same file, only not open now.
  if (exists && w.fd < 0 && w.inode != 0 && st.st_ino == w.inode && st.st_dev == w.dev &&
      params_.open_on_every_update)
    return;
  if (!exists && w.fd < 0) return;
  // The path now names another file, or none: keep reading the old one for rotate_wait.
  if (w.fd >= 0) {
    ctx_.log.info("detected rotation of " + w.path + "; waiting " +
                  seconds_text(params_.rotate_wait.seconds) + " seconds");
    auto old = std::make_unique<Watcher>();
    old->take_file_from(w);
    old->rotated_at = now;
    // With follow_inodes the old inode keeps its own entry and its reading progress.
    old->pos = params_.follow_inodes ? w.pos : nullptr;
    if (params_.follow_inodes) w.pos = nullptr;
    rotated_files_.add();
    {
      std::lock_guard lock(lists_mu_);
      rotated_.push_back(std::move(old));
    }
    if (w.inotify_wd >= 0 && inotify_fd_ >= 0) ::inotify_rm_watch(inotify_fd_, w.inotify_wd);
    w.inotify_wd = -1;
  }
  if (!exists) return;
  int fd = ::open(w.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  // The new file's identity is the one opened, not the one stat saw: a second rotation between
  // the two would otherwise leave this watcher holding one file under another's inode.
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return;
  }
  if (params_.follow_inodes) {
    bool taken = std::any_of(watchers_.begin(), watchers_.end(), [&](const auto& o) {
      return o.get() != &w && o->inode == static_cast<uint64_t>(st.st_ino) && o->fd >= 0;
    });
    if (taken) {
      // A refresh already follows the new file: this watcher only had the old one.
      ::close(fd);
      w.unwatch_at = now;
      w.inode = 0;
      return;
    }
  }
  w.fd = fd;
  opened_files_.add();
  w.inode = st.st_ino;
  w.dev = st.st_dev;
  w.reset_to(0);
  w.last_size = static_cast<uint64_t>(st.st_size);
  if (params_.follow_inodes) {
    w.pos = pos_file_.find_inode(w.inode);
    if (!w.pos)
      w.pos = pos_file_.add(w.path, 0, w.inode);
    else
      pos_file_.update_pos(w.pos, 0);
  } else if (w.pos) {
    pos_file_.update(w.pos, 0, w.inode);
  }
  if (inotify_fd_ >= 0)
    w.inotify_wd =
        ::inotify_add_watch(inotify_fd_, w.path.c_str(),
                            IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_CLOSE_WRITE);
  ctx_.log.info("following tail of " + w.path);
}

}  // namespace shipper::in_tail
