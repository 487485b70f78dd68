#pragma once
// MsgpackWriter appends msgpack to a std::string through msgpack-cxx's packer. Parsers write
// records with it directly (no DOM); EventBatch uses it for [time, record] entries.
#include <msgpack.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/event_time.hpp"

namespace shipper {

// The byte sink msgpack::packer writes into.
struct StringSink {
  std::string* out;
  void write(const char* data, size_t size) { out->append(data, size); }
};

class MsgpackWriter {
 public:
  explicit MsgpackWriter(std::string& out) : sink_{&out}, packer_(sink_) {}

  std::string& buffer() { return *sink_.out; }
  size_t size() const { return sink_.out->size(); }

  void map_header(uint32_t n) { packer_.pack_map(n); }
  void array_header(uint32_t n) { packer_.pack_array(n); }
  // The hottest call of every parser. The header forms are msgpack-cxx's (fixstr, str8, str16,
  // str32). Two appends: growing the string with resize() first would zero-fill the body it is
  // about to overwrite, which costs more than the second capacity check.
  void str(std::string_view s) {
    str_header(s.size());
    sink_.out->append(s.data(), s.size());
  }
  // The header of a str of `n` bytes; the caller appends exactly `n` bytes of body.
  void str_header(size_t n) {
    char head[kMaxStrHeader];
    sink_.out->append(head, encode_str_header(n, head));
  }
  // Encodes the header of a str of `n` bytes into `head`; returns its size.
  static constexpr size_t kMaxStrHeader = 5;
  static size_t encode_str_header(size_t n, char* head) {
    if (n < 32) {
      head[0] = static_cast<char>(0xa0 | n);
      return 1;
    }
    if (n < 256) return encode_sized(head, 0xd9, n, 1);
    if (n < 65536) return encode_sized(head, 0xda, n, 2);
    return encode_sized(head, 0xdb, n, 4);
  }
  // Encodes the header of a map of `n` pairs into `head` (at most kMaxMapHeader bytes); returns
  // its size.
  static constexpr size_t kMaxMapHeader = 5;
  static size_t encode_map_header(uint32_t n, char* head) {
    if (n < 16) {
      head[0] = static_cast<char>(0x80 | n);
      return 1;
    }
    if (n <= 0xffff) return encode_sized(head, 0xde, n, 2);
    return encode_sized(head, 0xdf, n, 4);
  }
  void bin(std::string_view s) {
    packer_.pack_bin(static_cast<uint32_t>(s.size()));
    packer_.pack_bin_body(s.data(), static_cast<uint32_t>(s.size()));
  }
  void integer(int64_t v) { packer_.pack(v); }
  void uinteger(uint64_t v) { packer_.pack(v); }
  // Always float64 (0xcb): msgpack-cxx's pack_double writes whole numbers such as 100.0 as
  // integers, but Fluentd keeps a float a float ({"a":100.0} must come out as 100.0).
  void floating(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    char buf[9] = {static_cast<char>(0xcb)};
    for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
    sink_.out->append(buf, sizeof buf);
  }
  void boolean(bool v) { v ? packer_.pack_true() : packer_.pack_false(); }
  void nil() { packer_.pack_nil(); }
  // EventTime as ext type 0 (fixext8: d7 00, then the body), exactly as Fluentd writes it, in
  // one append: every event's entry has one.
  void event_time(EventTime t) {
    char ext[10] = {static_cast<char>(0xd7), 0};
    encode_event_time_body(t, ext + 2);
    sink_.out->append(ext, sizeof ext);
  }
  // Bytes that are already valid msgpack (one complete object).
  void raw(std::string_view encoded) { sink_.out->append(encoded.data(), encoded.size()); }
  msgpack::packer<StringSink>& packer() { return packer_; }

 private:
  // A type byte then `n` big-endian in `width` bytes; returns 1 + width.
  static size_t encode_sized(char* head, unsigned char type, size_t n, int width) {
    head[0] = static_cast<char>(type);
    for (int i = 0; i < width; ++i) head[1 + i] = static_cast<char>(n >> (8 * (width - 1 - i)));
    return 1 + static_cast<size_t>(width);
  }

  StringSink sink_;
  msgpack::packer<StringSink> packer_;
};

}  // namespace shipper
