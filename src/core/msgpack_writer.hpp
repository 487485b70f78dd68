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
  void str(std::string_view s) {
    packer_.pack_str(static_cast<uint32_t>(s.size()));
    packer_.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
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
  // EventTime as ext type 0 (fixext8), exactly as Fluentd writes it.
  void event_time(EventTime t) {
    char body[8];
    encode_event_time_body(t, body);
    packer_.pack_ext(8, 0);
    packer_.pack_ext_body(body, 8);
  }
  // Bytes that are already valid msgpack (one complete object).
  void raw(std::string_view encoded) { sink_.out->append(encoded.data(), encoded.size()); }
  msgpack::packer<StringSink>& packer() { return packer_; }

 private:
  StringSink sink_;
  msgpack::packer<StringSink> packer_;
};

}  // namespace shipper
