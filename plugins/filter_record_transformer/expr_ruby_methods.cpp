// The methods of the Ruby subset (docs/filters.md lists them), with Ruby's results for the
// value kinds a record holds and Ruby's NoMethodError / TypeError messages otherwise.
#include <algorithm>
#include <cctype>
#include <utility>

#include "core/text.hpp"
#include "plugins/filter_record_transformer/expr_ruby_ast.hpp"
#include "plugins/filter_record_transformer/expr_value.hpp"

namespace shipper::filter_record_transformer {

using K = Val::K;

int ruby_method_arity(std::string_view m) {
  static const std::pair<const char*, int> kMethods[] = {
      {"to_s", 0},   {"to_i", 0},   {"to_f", 0},     {"upcase", 0},      {"downcase", 0},
      {"strip", 0},  {"nil?", 0},   {"empty?", 0},   {"first", 0},       {"last", 0},
      {"size", 0},   {"length", 0}, {"utc", 0},      {"gsub", 2},        {"sub", 2},
      {"split", -2}, {"dig", -1},   {"include?", 1}, {"start_with?", 1}, {"end_with?", 1},
  };
  for (auto [name, n] : kMethods)
    if (m == name) return n;
  return -3;
}

Status RubyNode::call(const EvalContext& ctx, Val& v) const {
  Val self;
  if (Status s = sub(kids[0], ctx, self); !s) return s;
  std::vector<Val> args(kids.size() - 1);
  for (size_t i = 1; i < kids.size(); ++i) {
    if (Status s = sub(kids[i], ctx, args[i - 1]); !s) return s;
    args[i - 1] = scalar(args[i - 1]);
  }
  const std::string& m = method;
  if (m == "nil?") {
    v = Val{}, v.k = K::kBool, v.b = self.k == K::kNil;
    return Status::ok();
  }
  if (m == "to_s") {
    std::string text;
    append_to_s(self, text);
    v = Val::str(std::move(text));
    return Status::ok();
  }
  if (m == "dig") {
    Val cur = self;
    for (const auto& a : args) {
      if (cur.k == K::kNil) break;
      Val next;
      if (Status s = index(cur, a, next); !s) return s;
      cur = std::move(next);
    }
    v = std::move(cur);
    return Status::ok();
  }
  Val s = scalar(self);
  if (m == "to_i" || m == "to_f") {
    double f = 0;
    int64_t i = 0;
    switch (s.k) {
      case K::kNil:
        break;
      case K::kInt:
        i = s.i, f = static_cast<double>(s.i);
        break;
      case K::kFloat:
        i = static_cast<int64_t>(s.f), f = s.f;
        break;
      case K::kStr:
        i = ruby_str_to_i(s.s), f = ruby_str_to_f(s.s);
        break;
      case K::kTime:
        i = s.t.sec, f = s.t.to_double();
        break;
      default:
        return no_method(m, self);
    }
    v = Val{};
    if (m == "to_i") {
      v.k = K::kInt, v.i = i;
    } else {
      v.k = K::kFloat, v.f = f;
    }
    return Status::ok();
  }
  if (m == "utc" && s.k == K::kTime) {
    v = s;
    v.utc = true;
    return Status::ok();
  }
  if (m == "first" || m == "last") {
    if (s.k == K::kList) {
      v = list_elem(s.list, m == "first" ? 0 : -1);
      return Status::ok();
    }
    if (s.k == K::kRaw && s.raw.is_array()) {
      v = from_mp(array_at(s.raw, m == "first" ? 0 : -1));
      return Status::ok();
    }
    return no_method(m, self);
  }
  if (m == "size" || m == "length") {
    v = Val{}, v.k = K::kInt;
    if (s.k == K::kList) return v.i = static_cast<int64_t>(s.list.size()), Status::ok();
    if (s.k == K::kRaw) return v.i = s.raw.count, Status::ok();
    if (s.k == K::kStr) return v.i = static_cast<int64_t>(s.s.size()), Status::ok();
    return no_method(m, self);
  }
  if (s.k != K::kStr) {
    if (m == "include?" && s.k == K::kList) {
      std::string_view needle;
      v = Val{}, v.k = K::kBool;
      v.b = string_of(args[0], needle) &&
            std::find(s.list.begin(), s.list.end(), needle) != s.list.end();
      return Status::ok();
    }
    return no_method(m, self);
  }
  // String methods.
  std::string& str = s.s;
  auto str_arg = [&](size_t i, std::string_view& out) -> Status {
    if (!string_of(args[i], out))
      return ruby_error(std::string("no implicit conversion of ") + class_name(args[i]) +
                        " into String");
    return Status::ok();
  };
  if (m == "upcase" || m == "downcase") {
    for (char& c : str)
      c = m == "upcase" ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                        : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    v = Val::str(std::move(str));
    return Status::ok();
  }
  if (m == "strip") {
    v = Val::str(std::string(trim(str)));
    return Status::ok();
  }
  if (m == "empty?") {
    v = Val{}, v.k = K::kBool, v.b = str.empty();
    return Status::ok();
  }
  if (m == "include?" || m == "start_with?" || m == "end_with?") {
    std::string_view a;
    if (Status st = str_arg(0, a); !st) return st;
    v = Val{}, v.k = K::kBool;
    v.b = m == "include?"      ? str.find(a) != std::string::npos
          : m == "start_with?" ? starts_with(str, a)
                               : ends_with(str, a);
    return Status::ok();
  }
  if (m == "gsub" || m == "sub") {
    std::string_view from, to;
    if (Status st = str_arg(0, from); !st) return st;
    if (Status st = str_arg(1, to); !st) return st;
    std::string result;
    size_t pos = 0;
    if (from.empty()) {
      // Ruby inserts the replacement between every character (and at both ends) for "".
      for (size_t i = 0; i <= str.size(); ++i) {
        result.append(to);
        if (i < str.size()) result += str[i];
        if (m == "sub") {
          result.append(str, i + 1);
          break;
        }
      }
    } else {
      while (true) {
        size_t hit = str.find(from, pos);
        if (hit == std::string::npos) break;
        result.append(str, pos, hit - pos);
        result.append(to);
        pos = hit + from.size();
        if (m == "sub") break;
      }
      result.append(str, pos);
    }
    v = Val::str(std::move(result));
    return Status::ok();
  }
  if (m == "split") {
    v = Val{}, v.k = K::kList;
    std::string_view sep = " ";
    if (!args.empty())
      if (Status st = str_arg(0, sep); !st) return st;
    if (sep == " ") {
      // Awk-style: runs of whitespace, leading whitespace ignored.
      size_t i = 0;
      while (i < str.size()) {
        while (i < str.size() && std::isspace(static_cast<unsigned char>(str[i]))) ++i;
        size_t b = i;
        while (i < str.size() && !std::isspace(static_cast<unsigned char>(str[i]))) ++i;
        if (i > b) v.list.emplace_back(str, b, i - b);
      }
    } else if (sep.empty()) {
      for (char c : str) v.list.emplace_back(1, c);
    } else {
      size_t pos = 0;
      while (true) {
        size_t hit = str.find(sep, pos);
        if (hit == std::string::npos) break;
        v.list.emplace_back(str, pos, hit - pos);
        pos = hit + sep.size();
      }
      v.list.emplace_back(str, pos);
      while (!v.list.empty() && v.list.back().empty()) v.list.pop_back();  // Ruby drops trailing ""
    }
    return Status::ok();
  }
  return no_method(m, self);
}

}  // namespace shipper::filter_record_transformer
