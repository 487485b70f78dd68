#pragma once
// The reading state of one watched file.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "io/tail/pos_file.hpp"
#include "plugins/in_tail/read_buffer.hpp"

namespace shipper::in_tail {

struct GroupMember;

// A value the reading thread owns and writes, and that report() may read from another thread.
// Relaxed loads and stores compile to plain moves, so the read path pays nothing for it.
template <class T>
class Relaxed {
 public:
  Relaxed(T v = T{}) : v_(v) {}
  Relaxed(const Relaxed&) = delete;
  operator T() const { return v_.load(std::memory_order_relaxed); }
  Relaxed& operator=(T v) {
    v_.store(v, std::memory_order_relaxed);
    return *this;
  }
  Relaxed& operator=(const Relaxed& o) { return *this = static_cast<T>(o); }
  // Single writer: load + store, no locked read-modify-write.
  Relaxed& operator+=(T d) { return *this = static_cast<T>(*this) + d; }
  Relaxed& operator-=(T d) { return *this = static_cast<T>(*this) - d; }

 private:
  std::atomic<T> v_;
};

struct Watcher {
  std::string path;  // as configured or globbed (the symlink name); fixed once listed
  std::string tag;
  Relaxed<int> fd = -1;
  Relaxed<uint64_t> inode = 0;
  dev_t dev = 0;
  int inotify_wd = -1;
  tail::PosEntry* pos = nullptr;  // null while rotated (progress kept in memory only)

  Relaxed<uint64_t> committed = 0;    // file offset after the last line whose events were emitted
  Relaxed<uint64_t> read_offset = 0;  // file offset up to which bytes are in `buf`
  ReadBuffer buf;                     // bytes [committed, read_offset)
  size_t scanned = 0;  // bytes of buf already handled (pending pieces beyond `committed`)
  Relaxed<uint64_t> last_size = 0;
  bool skipping_long = false;  // discarding an over-long line until its newline

  // Pieces of a line the runtime split (CRI P, docker 16 KiB): joined contents so far.
  std::string join;
  bool joining = false;
  size_t join_start = 0;  // where the first pending piece starts in buf

  // Multiline mode: the pending event's text (complete lines with their "\n").
  std::string ml_pending;
  double ml_last_line = 0;

  double retry_after = 0;  // back-pressure: do not read before this (monotonic seconds)
  // read_bytes_limit_per_second: bytes read in the current one-second window.
  double throttle_window_start = 0;
  uint64_t throttle_bytes = 0;
  double rotated_at = 0;
  Relaxed<double> unwatch_at = 0;  // left the target set: detach at this time
  bool done = false;
  bool at_eof = false;  // the last drain read to the end of the file and handled every line

  // <group> throttling: the group and the line counter of this path (null: no <group>).
  std::shared_ptr<GroupMember> group;

  void reset_to(uint64_t offset) {
    committed = read_offset = offset;
    buf.clear();
    scanned = 0;
    skipping_long = false;
    join.clear();
    joining = false;
  }
  // Moves the open file and its reading state into this (rotated) watcher.
  void take_file_from(Watcher& w) {
    path = w.path;
    tag = w.tag;
    fd = w.fd;
    inode = w.inode;
    dev = w.dev;
    committed = w.committed;
    read_offset = w.read_offset;
    buf = std::move(w.buf);
    scanned = w.scanned;
    skipping_long = w.skipping_long;
    join = std::move(w.join);
    joining = w.joining;
    ml_pending = std::move(w.ml_pending);
    ml_last_line = w.ml_last_line;
    group = w.group;
    w.fd = -1;
    w.buf.clear();
    w.join.clear();
    w.joining = false;
    w.ml_pending.clear();
    w.scanned = 0;
  }
};

}  // namespace shipper::in_tail
