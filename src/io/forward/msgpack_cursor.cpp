#include "io/forward/msgpack_cursor.hpp"

#include "core/event_batch.hpp"

namespace shipper::forward {

uint64_t MsgpackCursor::be(size_t at, size_t n) const {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(b_[at + i]);
  return v;
}

bool MsgpackCursor::is_str() const {
  auto c = peek();
  return (c >= 0xa0 && c <= 0xbf) || c == 0xd9 || c == 0xda || c == 0xdb;
}
bool MsgpackCursor::is_bin() const {
  auto c = peek();
  return c == 0xc4 || c == 0xc5 || c == 0xc6;
}
bool MsgpackCursor::is_array() const {
  auto c = peek();
  return (c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd;
}
bool MsgpackCursor::is_map() const {
  auto c = peek();
  return (c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf;
}
bool MsgpackCursor::is_int() const {
  auto c = peek();
  return c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3);
}
bool MsgpackCursor::is_ext() const {
  auto c = peek();
  return (c >= 0xd4 && c <= 0xd8) || (c >= 0xc7 && c <= 0xc9);
}

bool MsgpackCursor::read_array(uint32_t& n) {
  auto c = peek();
  if (c >= 0x90 && c <= 0x9f) return n = c & 0x0f, ++off_, true;
  if (c == 0xdc && need(3)) return n = static_cast<uint32_t>(be(off_ + 1, 2)), off_ += 3, true;
  if (c == 0xdd && need(5)) return n = static_cast<uint32_t>(be(off_ + 1, 4)), off_ += 5, true;
  return false;
}

bool MsgpackCursor::read_map(uint32_t& n) {
  auto c = peek();
  if (c >= 0x80 && c <= 0x8f) return n = c & 0x0f, ++off_, true;
  if (c == 0xde && need(3)) return n = static_cast<uint32_t>(be(off_ + 1, 2)), off_ += 3, true;
  if (c == 0xdf && need(5)) return n = static_cast<uint32_t>(be(off_ + 1, 4)), off_ += 5, true;
  return false;
}

bool MsgpackCursor::read_string(std::string_view& s) {
  auto c = peek();
  size_t hdr = 0;
  uint64_t len = 0;
  if (c >= 0xa0 && c <= 0xbf) {
    hdr = 1, len = c & 0x1f;
  } else if ((c == 0xd9 || c == 0xc4) && need(2)) {
    hdr = 2, len = be(off_ + 1, 1);
  } else if ((c == 0xda || c == 0xc5) && need(3)) {
    hdr = 3, len = be(off_ + 1, 2);
  } else if ((c == 0xdb || c == 0xc6) && need(5)) {
    hdr = 5, len = be(off_ + 1, 4);
  } else {
    return false;
  }
  if (!need(hdr + len)) return false;
  s = b_.substr(off_ + hdr, len);
  off_ += hdr + len;
  return true;
}

bool MsgpackCursor::read_uint(uint64_t& v) {
  int64_t i = 0;
  auto c = peek();
  if (c == 0xcf && need(9)) return v = be(off_ + 1, 8), off_ += 9, true;
  if (!read_int(i) || i < 0) return false;
  v = static_cast<uint64_t>(i);
  return true;
}

bool MsgpackCursor::read_int(int64_t& v) {
  auto c = peek();
  if (c <= 0x7f) return v = c, ++off_, true;
  if (c >= 0xe0) return v = static_cast<int8_t>(c), ++off_, true;
  size_t n = 0;
  bool is_signed = false;
  switch (c) {
    case 0xcc:
      n = 1;
      break;
    case 0xcd:
      n = 2;
      break;
    case 0xce:
      n = 4;
      break;
    case 0xcf:
      n = 8;
      break;
    case 0xd0:
      n = 1, is_signed = true;
      break;
    case 0xd1:
      n = 2, is_signed = true;
      break;
    case 0xd2:
      n = 4, is_signed = true;
      break;
    case 0xd3:
      n = 8, is_signed = true;
      break;
    default:
      return false;
  }
  if (!need(1 + n)) return false;
  uint64_t u = be(off_ + 1, n);
  if (is_signed && n < 8 && (u >> (n * 8 - 1)) & 1) u |= ~uint64_t(0) << (n * 8);
  v = static_cast<int64_t>(u);
  off_ += 1 + n;
  return true;
}

bool MsgpackCursor::read_time(EventTime& t) {
  auto c = peek();
  if (c == 0xd7 && need(10) && b_[off_ + 1] == 0) {
    t = decode_event_time_body(b_.data() + off_ + 2);
    off_ += 10;
    return true;
  }
  if (c == 0xc7 && need(11) && static_cast<unsigned char>(b_[off_ + 1]) == 8 && b_[off_ + 2] == 0) {
    t = decode_event_time_body(b_.data() + off_ + 3);
    off_ += 11;
    return true;
  }
  int64_t v = 0;
  size_t save = off_;
  if (is_int() && read_int(v)) {
    if (v < 0 || v > 0xffffffffLL) {
      off_ = save;
      return false;
    }
    t = {static_cast<uint32_t>(v), 0};
    return true;
  }
  return false;
}

bool MsgpackCursor::skip(std::string_view* raw) {
  size_t n = msgpack_object_length(rest());
  if (n == 0) return false;
  if (raw) *raw = b_.substr(off_, n);
  off_ += n;
  return true;
}

}  // namespace shipper::forward
