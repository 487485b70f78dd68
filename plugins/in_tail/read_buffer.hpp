#pragma once
// The bytes of one file read but not yet handled. Reads go straight into its spare room (no
// bounce buffer), and it always keeps kSlack initialised bytes past its end, so a parser that
// reads beyond a line's end (simdjson needs 64 bytes) can parse the line where it lies.
#include <sys/types.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string_view>

namespace shipper::in_tail {

class ReadBuffer {
 public:
  static constexpr size_t kSlack = 64;

  ReadBuffer() = default;
  ReadBuffer(ReadBuffer&& o) noexcept { *this = std::move(o); }
  ReadBuffer& operator=(ReadBuffer&& o) noexcept {
    bytes_ = std::move(o.bytes_);
    begin_ = o.begin_;
    size_ = o.size_;
    capacity_ = o.capacity_;
    o.begin_ = o.size_ = o.capacity_ = 0;
    return *this;
  }

  const char* data() const { return bytes_ ? bytes_.get() + begin_ : ""; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes after `p` (a pointer into this buffer) that may be read: the rest plus the slack.
  size_t readable_after(const char* p) const { return data() + size_ + kSlack - p; }
  bool holds(std::string_view s) const {
    return bytes_ && s.data() >= data() && s.data() + s.size() <= data() + size_;
  }

  void clear() { erase_front(size_); }
  // Handled bytes leave from the front by moving the start; the rest moves only when a read
  // needs the room.
  void erase_front(size_t n) {
    begin_ += n;
    size_ -= n;
    if (size_ == 0) begin_ = 0;
  }
  size_t capacity() const { return capacity_; }
  // An idle file keeps no read buffer.
  void release_if_empty() {
    if (size_ != 0) return;
    bytes_.reset();
    begin_ = capacity_ = 0;
  }
  // Keeps the first `keep` bytes only (the caller reads the rest again later) in an allocation
  // just big enough for them.
  void shrink_to(size_t keep) {
    size_ = keep;
    if (size_ == 0) return release_if_empty();
    size_t cap = 4096;
    while (cap < size_) cap *= 2;
    auto smaller = std::make_unique_for_overwrite<char[]>(cap + kSlack);
    std::memcpy(smaller.get(), bytes_.get() + begin_, size_);
    std::memset(smaller.get() + size_, ' ', kSlack);
    bytes_ = std::move(smaller);
    begin_ = 0;
    capacity_ = cap;
  }

  // pread()s up to `max` bytes at `offset` onto the end; returns what pread returned.
  ssize_t read_at(int fd, size_t max, off_t offset) {
    make_room(max);
    char* end = bytes_.get() + begin_ + size_;
    ssize_t n = ::pread(fd, end, max, offset);
    if (n > 0) size_ += static_cast<size_t>(n);
    std::memset(bytes_.get() + begin_ + size_, ' ', kSlack);
    return n;
  }

 private:
  void make_room(size_t max) {
    if (begin_ + size_ + max <= capacity_) return;
    if (size_ + max <= capacity_) {
      std::memmove(bytes_.get(), bytes_.get() + begin_, size_);
      begin_ = 0;
      return;
    }
    size_t cap = capacity_ ? capacity_ : 65536;
    while (cap < size_ + max) cap *= 2;
    auto grown = std::make_unique_for_overwrite<char[]>(cap + kSlack);
    if (size_) std::memcpy(grown.get(), bytes_.get() + begin_, size_);
    bytes_ = std::move(grown);
    begin_ = 0;
    capacity_ = cap;
  }

  std::unique_ptr<char[]> bytes_;
  size_t begin_ = 0;  // where the unhandled bytes start
  size_t size_ = 0;
  size_t capacity_ = 0;  // usable bytes; the allocation has kSlack more
};

}  // namespace shipper::in_tail
