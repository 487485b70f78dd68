#pragma once
// A read cursor over one complete msgpack object (already bounded by MsgpackScanner): reads
// headers and strings in place, skips values, never allocates.
#include <cstdint>
#include <string_view>

#include "core/event_time.hpp"

namespace shipper::forward {

class MsgpackCursor {
 public:
  explicit MsgpackCursor(std::string_view bytes) : b_(bytes) {}

  bool at_end() const { return off_ >= b_.size(); }
  size_t offset() const { return off_; }
  std::string_view rest() const { return b_.substr(off_); }
  // The leading byte of the next value (0xc1 when at the end).
  unsigned char peek() const { return at_end() ? 0xc1 : static_cast<unsigned char>(b_[off_]); }

  bool is_nil() const { return peek() == 0xc0; }
  bool is_str() const;
  bool is_bin() const;
  bool is_array() const;
  bool is_map() const;
  bool is_int() const;
  bool is_ext() const;

  bool read_array(uint32_t& n);
  bool read_map(uint32_t& n);
  // str or bin: the bytes without the header.
  bool read_string(std::string_view& s);
  bool read_uint(uint64_t& v);  // positive or non-negative integers only
  bool read_int(int64_t& v);    // any integer
  // An event time: integer seconds, or ext type 0 with 8 bytes (fixext8 or ext8).
  bool read_time(EventTime& t);
  // Skips one value and returns its bytes.
  bool skip(std::string_view* raw = nullptr);

 private:
  bool need(size_t n) const { return b_.size() - off_ >= n; }
  uint64_t be(size_t at, size_t n) const;
  std::string_view b_;
  size_t off_ = 0;
};

}  // namespace shipper::forward
