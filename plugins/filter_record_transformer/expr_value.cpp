// Conversions of evaluation values: Ruby's to_s of each kind, msgpack output, and the numeric
// parsing Ruby's String#to_i / #to_f do.
#include "plugins/filter_record_transformer/expr_value.hpp"

#include <cctype>
#include <cstdlib>
#include <ctime>

#include "core/record_json.hpp"
#include "core/text.hpp"

namespace shipper::filter_record_transformer {

using K = Val::K;

Val scalar(const Val& v) {
  if (v.k != K::kRaw) return v;
  const MpValue& m = v.raw;
  Val r;
  switch (m.type) {
    case MpType::kBool:
      r.k = K::kBool, r.b = m.boolean;
      break;
    case MpType::kInt:
      if (m.is_unsigned) {
        r.k = K::kFloat, r.f = static_cast<double>(m.uinteger);
      } else {
        r.k = K::kInt, r.i = m.integer;
      }
      break;
    case MpType::kFloat:
      r.k = K::kFloat, r.f = m.floating;
      break;
    case MpType::kStr:
    case MpType::kBin:
      r.k = K::kStr, r.s = std::string(m.data);
      break;
    case MpType::kArray:
    case MpType::kMap:
      return v;
    default:
      break;
  }
  return r;
}

const char* class_name(const Val& v) {
  switch (scalar(v).k) {
    case K::kNil:
      return "nil:NilClass";
    case K::kBool:
      return scalar(v).b ? "true:TrueClass" : "false:FalseClass";
    case K::kInt:
      return "Integer";
    case K::kFloat:
      return "Float";
    case K::kStr:
      return "String";
    case K::kTime:
      return "Time";
    case K::kList:
      return "Array";
    case K::kRaw:
      return v.raw.is_map() ? "Hash" : "Array";
  }
  return "Object";
}

Status ruby_error(std::string message) {
  return error(StatusCode::kInvalidArgument, std::move(message));
}

Status no_method(std::string_view method, const Val& v) {
  return ruby_error("undefined method `" + std::string(method) + "' for " + class_name(v));
}

double ruby_str_to_f(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                          s[i] == '\f' || s[i] == '\v'))
    ++i;
  std::string num;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) num += s[i++];
  auto digits = [&] {
    size_t n = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) ||
                            (s[i] == '_' && n > 0 && i + 1 < s.size() &&
                             std::isdigit(static_cast<unsigned char>(s[i + 1]))))) {
      if (s[i] != '_') num += s[i];
      ++i, ++n;
    }
    return n;
  };
  size_t int_digits = digits();
  if (i + 1 < s.size() && s[i] == '.' && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
      int_digits > 0) {
    num += s[i++];
    digits();
  }
  if (int_digits > 0 && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t save = i;
    std::string save_num = num;
    num += 'e';
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) num += s[i++];
    if (digits() == 0) i = save, num = save_num;
  }
  if (int_digits == 0) return 0.0;
  return std::strtod(num.c_str(), nullptr);
}

int64_t ruby_str_to_i(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '_' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) break;
    v = v * 10 + (s[i] - '0');
  }
  return neg ? -v : v;
}

Val list_elem(const std::vector<std::string>& list, int64_t idx, bool* found) {
  int64_t n = static_cast<int64_t>(list.size());
  if (idx < 0) idx += n;
  if (idx < 0 || idx >= n) {
    if (found) *found = false;
    return Val::nil();
  }
  if (found) *found = true;
  return Val::str(list[idx]);
}

namespace {

// Array#inspect of a list of strings: ["a", "b"].
void append_list_inspect(const std::vector<std::string>& list, std::string& out) {
  out += '[';
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out += ", ";
    out += ruby_inspect(list[i]);
  }
  out += ']';
}

}  // namespace

void append_time_to_s(EventTime t, bool utc, std::string& out) {
  // The per-second text is cached: every event of a second renders the same.
  thread_local time_t cached_sec = -1;
  thread_local bool cached_utc = false;
  thread_local char cached[64];
  time_t sec = static_cast<time_t>(t.sec);
  if (sec != cached_sec || utc != cached_utc) {
    struct tm tm;
    if (utc) {
      gmtime_r(&sec, &tm);
      std::strftime(cached, sizeof cached, "%Y-%m-%d %H:%M:%S UTC", &tm);
    } else {
      localtime_r(&sec, &tm);
      std::strftime(cached, sizeof cached, "%Y-%m-%d %H:%M:%S %z", &tm);
    }
    cached_sec = sec;
    cached_utc = utc;
  }
  out += cached;
}

void append_to_s(const Val& v, std::string& out) {
  switch (v.k) {
    case K::kNil:
      return;
    case K::kBool:
      out += v.b ? "true" : "false";
      return;
    case K::kInt:
      out += std::to_string(v.i);
      return;
    case K::kFloat:
      append_ruby_float(v.f, out);
      return;
    case K::kStr:
      out += v.s;
      return;
    case K::kRaw:
      append_ruby_to_s(v.raw, out);
      return;
    case K::kTime:
      append_time_to_s(v.t, v.utc, out);
      return;
    case K::kList:
      append_list_inspect(v.list, out);
      return;
  }
}

void append_msgpack(const Val& v, std::string& out) {
  switch (v.k) {
    case K::kNil:
      mp_write_nil(out);
      return;
    case K::kBool:
      mp_write_bool(out, v.b);
      return;
    case K::kInt:
      mp_write_int(out, v.i);
      return;
    case K::kFloat:
      mp_write_double(out, v.f);
      return;
    case K::kStr:
      mp_write_str(out, v.s);
      return;
    case K::kRaw:
      out.append(v.raw.bytes.data(), v.raw.bytes.size());
      return;
    case K::kTime: {
      std::string text;
      append_time_to_s(v.t, v.utc, text);
      mp_write_str(out, text);
      return;
    }
    case K::kList:
      mp_write_array_header(out, static_cast<uint32_t>(v.list.size()));
      for (const auto& s : v.list) mp_write_str(out, s);
      return;
  }
}

}  // namespace shipper::filter_record_transformer
