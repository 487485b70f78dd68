#include "core/event_batch.hpp"

#include <msgpack.hpp>

namespace shipper {
namespace {

// A visitor for msgpack::v2::parse that only walks the bytes; with it parse() finds where an
// object ends without allocating anything.
struct SkipVisitor : msgpack::v2::null_visitor {
  void parse_error(size_t, size_t) { error = true; }
  void insufficient_bytes(size_t, size_t) { error = true; }
  bool error = false;
};

}  // namespace

size_t msgpack_object_length(std::string_view data) {
  if (data.empty()) return 0;
  SkipVisitor v;
  size_t off = 0;
  bool done = false;
  try {
    done = msgpack::v2::parse(data.data(), data.size(), off, v);
  } catch (const std::exception&) {
    return 0;
  }
  if (!done || v.error) return 0;
  return off;
}

bool EntryReader::next(EntryView& out) {
  if (!ok_ || off_ >= bytes_.size()) return false;
  std::string_view rest = bytes_.substr(off_);
  size_t whole_len = msgpack_object_length(rest);
  if (whole_len == 0) {
    ok_ = false;
    return false;
  }
  auto byte = [&](size_t i) { return static_cast<unsigned char>(rest[i]); };
  // Expect fixarray of 2 (0x92); Fluentd never writes the longer array forms for entries.
  if (byte(0) != 0x92) {
    ok_ = false;
    return false;
  }
  size_t p = 1;
  unsigned char t = byte(p);
  if (t == 0xd7 && byte(p + 1) == 0x00) {  // fixext8 type 0: EventTime
    out.time = decode_event_time_body(rest.data() + p + 2);
    p += 10;
  } else {
    size_t tlen = msgpack_object_length(rest.substr(p));
    if (tlen == 0) {
      ok_ = false;
      return false;
    }
    msgpack::object_handle oh = msgpack::unpack(rest.data() + p, tlen);
    const msgpack::object& o = oh.get();
    if (o.type == msgpack::type::POSITIVE_INTEGER) {
      out.time = {static_cast<uint32_t>(o.via.u64), 0};
    } else if (o.type == msgpack::type::FLOAT64 || o.type == msgpack::type::FLOAT32) {
      double d = o.via.f64;
      auto s = static_cast<uint32_t>(d);
      out.time = {s, static_cast<uint32_t>((d - s) * 1e9)};
    } else if (o.type == msgpack::type::EXT && o.via.ext.type() == 0 && o.via.ext.size == 8) {
      out.time = decode_event_time_body(o.via.ext.data());
    } else {
      ok_ = false;
      return false;
    }
    p += tlen;
  }
  out.record = rest.substr(p, whole_len - p);
  out.whole = rest.substr(0, whole_len);
  off_ += whole_len;
  return true;
}

}  // namespace shipper
