#include "config/value_types.hpp"

#include <simdjson.h>

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/ruby_numeric.hpp"
#include "core/text.hpp"

namespace shipper::config {

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::kString:
      return "string";
    case ParamType::kInteger:
      return "integer";
    case ParamType::kFloat:
      return "float";
    case ParamType::kSize:
      return "size";
    case ParamType::kTime:
      return "time";
    case ParamType::kBool:
      return "bool";
    case ParamType::kEnum:
      return "enum";
    case ParamType::kArray:
      return "array";
    case ParamType::kHash:
      return "hash";
    case ParamType::kRegexp:
      return "regexp";
  }
  return "?";
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Ruby Integer(str): the whole string (surrounding spaces allowed) must be an integer literal:
// optional sign, 0x/0b/0o prefix or a leading 0 for octal, underscores between digits.
std::optional<int64_t> ruby_strict_integer(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') neg = s[i++] == '-';
  int base = 10;
  if (i + 1 < s.size() && s[i] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
    if (p == 'x')
      base = 16, i += 2;
    else if (p == 'b')
      base = 2, i += 2;
    else if (p == 'o')
      base = 8, i += 2;
    else if (p == 'd')
      base = 10, i += 2;
    else
      base = 8, i += 1;
  }
  if (i >= s.size()) return base == 8 ? std::optional<int64_t>(0) : std::nullopt;
  int64_t v = 0;
  bool last_digit = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d;
    if (c == '_') {
      if (!last_digit || i + 1 >= s.size()) return std::nullopt;
      last_digit = false;
      continue;
    }
    if (is_digit(c))
      d = c - '0';
    else if (std::isalpha(static_cast<unsigned char>(c)))
      d = std::tolower(c) - 'a' + 10;
    else
      return std::nullopt;
    if (d >= base) return std::nullopt;
    v = v * base + d;
    last_digit = true;
  }
  return neg ? -v : v;
}

// Ruby Float(str): the whole string must be a decimal (or integer) literal.
std::optional<double> ruby_strict_float(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  std::string clean;
  if (s[i] == '+' || s[i] == '-') clean += s[i++];
  bool any = false;
  auto digits = [&] {
    bool got = false;
    while (i < s.size() &&
           (is_digit(s[i]) || (s[i] == '_' && got && i + 1 < s.size() && is_digit(s[i + 1])))) {
      if (s[i] != '_') clean += s[i];
      got = true;
      ++i;
    }
    return got;
  };
  any = digits();
  if (!any) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    clean += s[i++];
    if (!digits()) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (!digits()) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::strtod(clean.c_str(), nullptr);
}

// Finds the first occurrence of `digits+suffix` anywhere in s (Ruby's unanchored /([0-9]+)x/),
// case-insensitively when asked. Returns the digits' value.
std::optional<int64_t> find_suffixed(std::string_view s, char suffix, bool ignore_case) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i])) continue;
    size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j < s.size()) {
      char c = s[j];
      bool hit = ignore_case ? std::tolower(static_cast<unsigned char>(c)) == suffix : c == suffix;
      if (hit) return ruby_to_i(s.substr(i, j - i));
    }
    i = j;  // the regex engine would retry from i+1, but a shorter run of the same digits ends
            // at the same place, so it cannot match either
  }
  return std::nullopt;
}

std::string json_scalar_to_string(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(e));
    default:
      return simdjson::minify(e);
  }
}

}  // namespace

std::optional<int64_t> to_integer(std::string_view v, bool strict, ConvertError* err) {
  if (!strict) return ruby_to_i(v);
  auto r = ruby_strict_integer(v);
  if (!r && err) err->message = "invalid value for Integer(): " + ruby_inspect(v);
  return r;
}

std::optional<double> to_float(std::string_view v, bool strict, ConvertError* err) {
  if (!strict) return ruby_to_f(v);
  auto r = ruby_strict_float(v);
  if (!r && err) err->message = "invalid value for Float(): " + ruby_inspect(v);
  return r;
}

std::optional<ByteSize> to_size(std::string_view v, bool strict, ConvertError* err) {
  static constexpr struct {
    char suffix;
    uint64_t mult;
  } kUnits[] = {{'k', 1024ull},
                {'m', 1024ull * 1024},
                {'g', 1024ull * 1024 * 1024},
                {'t', 1024ull * 1024 * 1024 * 1024}};
  for (const auto& u : kUnits) {
    if (auto n = find_suffixed(v, u.suffix, true))
      return ByteSize{static_cast<uint64_t>(*n) * u.mult};
  }
  auto n = to_integer(v, strict, err);
  if (!n) return std::nullopt;
  return ByteSize{static_cast<uint64_t>(*n)};
}

std::optional<Duration> to_duration(std::string_view v, bool strict, ConvertError* err) {
  static constexpr struct {
    char suffix;
    double mult;
  } kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  for (const auto& u : kUnits) {
    if (auto n = find_suffixed(v, u.suffix, false))
      return Duration{static_cast<double>(*n) * u.mult};
  }
  auto f = to_float(v, strict, err);
  if (!f) return std::nullopt;
  return Duration{*f};
}

std::optional<bool> to_bool(std::string_view v, bool strict, ConvertError* err) {
  if (v == "true" || v == "yes" || v.empty()) return true;
  if (v == "false" || v == "no") return false;
  if (!v.empty() && v[0] == '#') return true;  // `key # comment`: the comment became the value
  if (strict && err) err->message = "invalid bool value: " + std::string(v);
  return std::nullopt;
}

std::optional<ArrayValue> to_array(std::string_view v, ConvertError* err) {
  if (!v.empty() && v[0] == '[') {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(v.data(), v.size()).get(doc) != simdjson::SUCCESS ||
        doc.type() != simdjson::dom::element_type::ARRAY) {
      if (err) err->message = "array required but got " + ruby_inspect(v);
      return std::nullopt;
    }
    ArrayValue out;
    for (auto item : doc.get_array()) out.push_back(json_scalar_to_string(item));
    return out;
  }
  ArrayValue out;
  std::string_view s = trim(v);
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string_view piece =
        s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
    out.emplace_back(trim(piece));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();  // Ruby's split drops trailing ""
  return out;
}

std::optional<HashValue> to_hash(std::string_view v, ConvertError* err) {
  if (!v.empty() && v[0] == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(v.data(), v.size()).get(doc) != simdjson::SUCCESS ||
        doc.type() != simdjson::dom::element_type::OBJECT) {
      if (err) err->message = "hash required but got " + ruby_inspect(v);
      return std::nullopt;
    }
    HashValue out;
    for (auto field : doc.get_object()) {
      std::optional<std::string> value;
      if (field.value.type() != simdjson::dom::element_type::NULL_VALUE)
        value = json_scalar_to_string(field.value);
      out.emplace_back(std::string(field.key), value);
    }
    return out;
  }
  HashValue out;
  std::string_view s = trim(v);
  if (s.empty()) return out;
  // Split on \s*,\s* then each item at its first ':' with no trimming around the colon.
  std::vector<std::string_view> items;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    items.push_back(s.substr(start, comma == s.npos ? s.npos : comma - start));
    if (comma == s.npos) break;
    start = comma + 1;
  }
  // Ruby's split drops trailing empty fields ("a:1," is one item).
  while (!items.empty() && trim(items.back()).empty()) items.pop_back();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string_view item = items[i];
    // Only the whitespace adjacent to commas is removed.
    if (i > 0)
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
        item.remove_prefix(1);
    if (i + 1 < items.size())
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
        item.remove_suffix(1);
    size_t colon = item.find(':');
    if (colon == item.npos)
      out.emplace_back(std::string(item), std::nullopt);
    else
      out.emplace_back(std::string(item.substr(0, colon)), std::string(item.substr(colon + 1)));
  }
  return out;
}

std::optional<RegexpValue> to_regexp(std::string_view v, ConvertError* err) {
  if (v.empty() || v[0] != '/') return RegexpValue{std::string(v), false, false};
  size_t last = v.rfind('/');
  if (last + 3 < v.size()) {
    if (err) err->message = "invalid regexp: missing right slash: " + std::string(v);
    return std::nullopt;
  }
  RegexpValue r;
  r.source = last == 0 ? std::string() : std::string(v.substr(1, last - 1));  // "/" is ""
  for (char f : v.substr(last + 1)) {
    if (f == 'i') r.ignore_case = true;
    if (f == 'm') r.multiline = true;
  }
  return r;
}

}  // namespace shipper::config
