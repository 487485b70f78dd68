#include "io/forward/request.hpp"

#include "io/forward/compression.hpp"
#include "io/forward/msgpack_cursor.hpp"

namespace shipper::forward {
namespace {

EventTime now_if_zero(EventTime t) {
  return t.sec == 0 ? EventTime::now() : t;
}

// Writes `record` (a map) with `extra` keys appended to its end.
void write_record(std::string_view record, const NormalizeSettings& s, MsgpackWriter& w) {
  if (s.extra_fields.empty()) {
    w.raw(record);
    return;
  }
  MsgpackCursor c(record);
  uint32_t n = 0;
  c.read_map(n);
  w.map_header(n + static_cast<uint32_t>(s.extra_fields.size()));
  w.raw(c.rest());
  for (const auto& [k, v] : s.extra_fields) {
    w.str(k);
    w.str(v);
  }
}

// Reads the time of an entry: integer, EventTime, or [time, metadata] (Fluent Bit ≥ 5.0.5).
bool read_entry_time(MsgpackCursor& c, EventTime& t, bool& was_nil) {
  was_nil = false;
  if (c.is_nil()) {
    c.skip();
    was_nil = true;
    t = {};
    return true;
  }
  if (c.is_array()) {
    uint32_t n = 0;
    MsgpackCursor inner(c.rest());
    if (!inner.read_array(n) || n < 1 || !inner.read_time(t)) {
      c.skip();
      return false;
    }
    c.skip();
    return true;
  }
  if (c.read_time(t)) return true;
  c.skip();
  return false;
}

void parse_options(MsgpackCursor& c, RequestOptions& o) {
  uint32_t n = 0;
  if (!c.read_map(n)) {
    c.skip();
    return;
  }
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view key;
    if (!c.read_string(key)) {
      c.skip();
      c.skip();
      continue;
    }
    if (key == "chunk") {
      std::string_view raw;
      if (c.skip(&raw) && raw.size() > 0 && raw[0] != '\xc0') {
        o.has_chunk = true;
        o.chunk_raw = raw;
      }
    } else if (key == "compressed") {
      std::string_view v;
      if (!c.read_string(v)) c.skip();
      o.compressed = v;
    } else if (key == "size") {
      uint64_t v = 0;
      if (c.read_uint(v)) {
        o.has_size = true;
        o.size = v;
      } else {
        c.skip();
      }
    } else {
      c.skip();
    }
  }
}

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kMessage:
      return "Message";
    case Mode::kForward:
      return "Forward";
    case Mode::kPackedForward:
      return "PackedForward";
    case Mode::kCompressedPackedForward:
      return "CompressedPackedForward";
  }
  return "?";
}

bool normalize_entry(std::string_view entry, const NormalizeSettings& s, EventBatch& out,
                     uint32_t& invalid, uint32_t& ignored) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(entry[i]); };
  // Fast path: [EventTime(sec != 0), map] as Fluentd writes it: copied as is.
  if (s.extra_fields.empty() && entry.size() > 11 && byte(0) == 0x92 && byte(1) == 0xd7 &&
      byte(2) == 0x00 && (byte(3) | byte(4) | byte(5) | byte(6)) != 0) {
    unsigned char r = byte(11);
    if ((r >= 0x80 && r <= 0x8f) || r == 0xde || r == 0xdf) {
      out.entries.append(entry.data(), entry.size());
      ++out.count;
      return true;
    }
  }
  MsgpackCursor c(entry);
  uint32_t n = 0;
  if (!c.read_array(n)) return false;
  if (n < 2) {
    ++invalid;
    return true;
  }
  EventTime t;
  bool time_nil = false;
  bool time_ok = read_entry_time(c, t, time_nil);
  if (c.is_nil()) {
    ++ignored;
    return true;
  }
  std::string_view record;
  bool record_ok = c.is_map() && c.skip(&record);
  if (!time_ok || !record_ok) {
    ++invalid;
    return true;
  }
  MsgpackWriter w(out.entries);
  w.array_header(2);
  w.event_time(now_if_zero(t));
  write_record(record, s, w);
  ++out.count;
  return true;
}

void decode_request(std::string_view object, const NormalizeSettings& s, DecodedRequest& out,
                    std::string& scratch) {
  using Outcome = DecodedRequest::Outcome;
  out = DecodedRequest{};
  MsgpackCursor c(object);
  if (c.is_nil()) {
    out.outcome = Outcome::kNil;
    return;
  }
  uint32_t n = 0;
  if (!c.read_array(n)) {
    out.outcome = Outcome::kNotArray;
    return;
  }
  auto fail = [&](std::string msg) {
    out.outcome = Outcome::kError;
    out.error = std::move(msg);
  };
  if (n < 2) return fail("request array has " + std::to_string(n) + " elements");
  if (!c.read_string(out.tag)) return fail("tag is not a string");

  if (c.is_str() || c.is_bin()) {
    std::string_view payload;
    c.read_string(payload);
    if (n >= 3) parse_options(c, out.options);
    out.mode = Mode::kPackedForward;
    std::string_view entries = payload;
    const std::string_view comp = out.options.compressed;
    if (!comp.empty() && comp != "text") {
      out.mode = Mode::kCompressedPackedForward;
      scratch.clear();
      Status st;
      if (comp == "gzip") {
        st = gunzip_all(payload, s.decompression_size_limit, scratch);
      } else if (comp == "zstd") {
        st = unzstd_all(payload, s.decompression_size_limit, scratch);
      } else {
        return fail("unknown compressed value '" + std::string(comp) + "'");
      }
      if (!st) return fail(st.message());
      entries = scratch;
    }
    size_t off = 0;
    while (off < entries.size()) {
      size_t len = msgpack_object_length(entries.substr(off));
      if (len == 0) return fail("broken entries in " + std::string(mode_name(out.mode)));
      if (!normalize_entry(entries.substr(off, len), s, out.batch, out.invalid, out.ignored))
        return fail("entry is not an array in " + std::string(mode_name(out.mode)));
      off += len;
    }
    return;
  }
  if (c.is_array()) {
    out.mode = Mode::kForward;
    uint32_t m = 0;
    c.read_array(m);
    for (uint32_t i = 0; i < m; ++i) {
      std::string_view entry;
      if (!c.skip(&entry)) return fail("broken entries in Forward");
      if (!normalize_entry(entry, s, out.batch, out.invalid, out.ignored)) ++out.invalid;
    }
    if (n >= 3) parse_options(c, out.options);
    return;
  }
  // Message: [tag, time, record, option?]
  out.mode = Mode::kMessage;
  EventTime t;
  bool time_nil = false;
  bool time_ok = read_entry_time(c, t, time_nil);
  std::string_view record;
  bool record_nil = n >= 3 && c.is_nil();
  bool record_ok = n >= 3 && c.is_map();
  if (n >= 3 && !c.skip(&record)) return fail("broken record in Message");
  if (n >= 4) parse_options(c, out.options);
  if (record_nil) {
    ++out.ignored;
    return;
  }
  if (!time_ok || !record_ok) {
    ++out.invalid;
    return;
  }
  MsgpackWriter w(out.batch.entries);
  w.array_header(2);
  w.event_time(now_if_zero(t));
  write_record(record, s, w);
  ++out.batch.count;
}

}  // namespace shipper::forward
