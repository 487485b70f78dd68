#include "plugins/in_monitor_agent/info_value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/json_escape.hpp"

namespace shipper::in_monitor_agent {

namespace {

// Ruby's Float#to_s for the values monitoring produces: shortest round-trip digits, always with
// a fractional part ("100.0").
std::string ruby_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

void indent(std::string& out, int depth) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

}  // namespace

InfoValue InfoValue::count(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e18)
    return InfoValue(static_cast<int64_t>(v));
  return InfoValue(v);
}

InfoValue& InfoValue::set(std::string_view key, InfoValue value) {
  if (!std::holds_alternative<Object>(v_)) v_ = Object{};
  auto& obj = std::get<Object>(v_);
  for (auto& [k, v] : obj)
    if (k == key) {
      v = std::move(value);
      return v;
    }
  obj.emplace_back(std::string(key), std::move(value));
  return obj.back().second;
}

const InfoValue* InfoValue::find(std::string_view key) const {
  if (const Object* o = as_object())
    for (const auto& [k, v] : *o)
      if (k == key) return &v;
  return nullptr;
}

void InfoValue::push(InfoValue value) {
  if (!std::holds_alternative<Array>(v_)) v_ = Array{};
  std::get<Array>(v_).push_back(std::move(value));
}

std::string InfoValue::to_json(bool pretty) const {
  std::string out;
  write_json(out, pretty, 0);
  return out;
}

void InfoValue::write_json(std::string& out, bool pretty, int depth) const {
  switch (v_.index()) {
    case 1:
      out += std::get<bool>(v_) ? "true" : "false";
      return;
    case 2:
      out += std::to_string(std::get<int64_t>(v_));
      return;
    case 3:
      out += ruby_float(std::get<double>(v_));
      return;
    case 4:
      append_json_string(std::get<std::string>(v_), out);
      return;
    case 5: {
      const auto& a = std::get<Array>(v_);
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        if (pretty) out += '\n', indent(out, depth + 1);
        a[i].write_json(out, pretty, depth + 1);
      }
      if (pretty) out += '\n', indent(out, depth);
      out += ']';
      return;
    }
    case 6: {
      const auto& o = std::get<Object>(v_);
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (size_t i = 0; i < o.size(); ++i) {
        if (i) out += ',';
        if (pretty) out += '\n', indent(out, depth + 1);
        append_json_string(o[i].first, out);
        out += pretty ? ": " : ":";
        o[i].second.write_json(out, pretty, depth + 1);
      }
      if (pretty) out += '\n', indent(out, depth);
      out += '}';
      return;
    }
    default:
      out += "null";
      return;
  }
}

std::string InfoValue::to_text() const {
  switch (v_.index()) {
    case 1:
      return std::get<bool>(v_) ? "true" : "false";
    case 2:
      return std::to_string(std::get<int64_t>(v_));
    case 3:
      return ruby_float(std::get<double>(v_));
    case 4:
      return std::get<std::string>(v_);
    case 5: {
      // Array#inspect: elements as their JSON-like inspect forms, ", " between them.
      std::string out = "[";
      const auto& a = std::get<Array>(v_);
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ", ";
        out += a[i].is_null() ? "nil" : a[i].to_json();
      }
      return out + "]";
    }
    case 6:
      return to_json();
    default:
      return "";
  }
}

void InfoValue::to_msgpack(MsgpackWriter& w) const {
  switch (v_.index()) {
    case 1:
      w.boolean(std::get<bool>(v_));
      return;
    case 2:
      w.integer(std::get<int64_t>(v_));
      return;
    case 3:
      w.floating(std::get<double>(v_));
      return;
    case 4:
      w.str(std::get<std::string>(v_));
      return;
    case 5: {
      const auto& a = std::get<Array>(v_);
      w.array_header(static_cast<uint32_t>(a.size()));
      for (const auto& v : a) v.to_msgpack(w);
      return;
    }
    case 6: {
      const auto& o = std::get<Object>(v_);
      w.map_header(static_cast<uint32_t>(o.size()));
      for (const auto& [k, v] : o) {
        w.str(k);
        v.to_msgpack(w);
      }
      return;
    }
    default:
      w.nil();
      return;
  }
}

std::string ltsv_line(const InfoValue& object) {
  std::string line;
  if (const auto* o = object.as_object()) {
    bool first = true;
    for (const auto& [k, v] : *o) {
      if (v.is_container()) continue;
      if (!first) line += '\t';
      first = false;
      line += k + ":" + v.to_text();
    }
  }
  return line;
}

}  // namespace shipper::in_monitor_agent
