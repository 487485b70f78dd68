#include "core/record_json.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <msgpack.hpp>
#include <vector>

#include "core/event_time.hpp"

namespace shipper {

void append_ruby_float(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (v == 0) {
    out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  // Shortest digits that read back as v, in exponent form: d.ddde±X.
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string_view text(buf);
  bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t e = text.find('e');
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits += c;
  if (negative) out += '-';
  if (exponent >= 16 || exponent < -4) {
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : "0";
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += eb;
  } else if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
  } else {
    size_t int_len = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_len) {
      out += digits;
      out.append(int_len - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, int_len);
      out += '.';
      out += digits.substr(int_len);
    }
  }
}

namespace {

// Writes JSON while msgpack::v2::parse walks the object. Map keys that are not strings are
// quoted, as Ruby's JSON does with `to_s`.
struct JsonVisitor : msgpack::v2::null_visitor {
  explicit JsonVisitor(std::string& o) : out(o) {}
  std::string& out;
  std::vector<uint32_t> counts;  // items written so far at each nesting level
  bool in_key = false;
  bool error = false;

  void open_scalar_key() {
    if (in_key) out += '"';
  }
  void close_scalar_key() {
    if (in_key) out += '"';
  }
  bool visit_nil() {
    if (in_key)
      out += "\"\"";
    else
      out += "null";
    return true;
  }
  bool visit_boolean(bool v) {
    open_scalar_key();
    out += v ? "true" : "false";
    close_scalar_key();
    return true;
  }
  bool visit_positive_integer(uint64_t v) {
    open_scalar_key();
    out += std::to_string(v);
    close_scalar_key();
    return true;
  }
  bool visit_negative_integer(int64_t v) {
    open_scalar_key();
    out += std::to_string(v);
    close_scalar_key();
    return true;
  }
  bool visit_float32(float v) { return visit_float64(v); }
  bool visit_float64(double v) {
    open_scalar_key();
    append_ruby_float(v, out);
    close_scalar_key();
    return true;
  }
  bool visit_str(const char* v, uint32_t size) {
    append_json_string(std::string_view(v, size), out);
    return true;
  }
  bool visit_bin(const char* v, uint32_t size) { return visit_str(v, size); }
  bool visit_ext(const char* v, uint32_t size) {
    // ext 0 with 8 bytes is an EventTime: print it as seconds.fraction like Float would.
    if (size == 9 && v[0] == 0) {
      EventTime t = decode_event_time_body(v + 1);
      open_scalar_key();
      append_ruby_float(t.to_double(), out);
      close_scalar_key();
    } else {
      out += in_key ? "\"\"" : "null";
    }
    return true;
  }
  bool start_array(uint32_t) {
    out += '[';
    counts.push_back(0);
    return true;
  }
  bool start_array_item() {
    if (counts.back()++ > 0) out += ',';
    return true;
  }
  bool end_array() {
    counts.pop_back();
    out += ']';
    return true;
  }
  bool start_map(uint32_t) {
    out += '{';
    counts.push_back(0);
    return true;
  }
  bool start_map_key() {
    if (counts.back()++ > 0) out += ',';
    in_key = true;
    return true;
  }
  bool end_map_key() {
    in_key = false;
    out += ':';
    return true;
  }
  bool end_map() {
    counts.pop_back();
    out += '}';
    return true;
  }
  void parse_error(size_t, size_t) { error = true; }
  void insufficient_bytes(size_t, size_t) { error = true; }
};

}  // namespace

bool append_msgpack_as_json(std::string_view msgpack, std::string& out) {
  if (msgpack.empty()) return false;
  JsonVisitor v(out);
  size_t off = 0;
  bool done = false;
  try {
    done = msgpack::v2::parse(msgpack.data(), msgpack.size(), off, v);
  } catch (const std::exception&) {
    return false;
  }
  return done && !v.error;
}

}  // namespace shipper

namespace shipper {

bool append_msgpack_as_text(std::string_view msgpack, std::string& out) {
  if (msgpack.empty()) return false;
  unsigned char t = static_cast<unsigned char>(msgpack[0]);
  if (t == 0xc0) return true;  // nil
  msgpack::object_handle oh;
  try {
    oh = msgpack::unpack(msgpack.data(), msgpack.size());
  } catch (const std::exception&) {
    return false;
  }
  const msgpack::object& o = oh.get();
  switch (o.type) {
    case msgpack::type::STR:
      out.append(o.via.str.ptr, o.via.str.size);
      return true;
    case msgpack::type::BIN:
      out.append(o.via.bin.ptr, o.via.bin.size);
      return true;
    default:
      return append_msgpack_as_json(msgpack, out);
  }
}

}  // namespace shipper
