#include "plugins/filter_record_transformer/expr.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "core/record_json.hpp"
#include "core/text.hpp"

namespace shipper::filter_record_transformer {
namespace {

using K = Val::K;

// ---- value helpers ---------------------------------------------------------------------------

Val from_mp(const MpValue& m) {
  Val v;
  if (!m.valid() || m.is_nil()) return v;
  v.k = K::kRaw;
  v.raw = m;
  return v;
}

// A scalar read from the record becomes a native value; maps and arrays stay views.
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

bool truthy(const Val& v) {
  if (v.k == K::kNil) return false;
  if (v.k == K::kBool) return v.b;
  if (v.k == K::kRaw) return !(v.raw.type == MpType::kBool && !v.raw.boolean);
  return true;
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

int64_t ruby_str_to_i(std::string_view s);

}  // namespace

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

namespace {

// Ruby's String#to_i: the longest integer prefix, 0 for garbage.
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

bool string_of(const Val& v, std::string_view& out) {
  if (v.k == K::kStr) return out = v.s, true;
  if (v.k == K::kRaw && v.raw.is_string()) return out = v.raw.data, true;
  return false;
}

Val list_elem(const std::vector<std::string>& list, int64_t idx, bool* found = nullptr) {
  int64_t n = static_cast<int64_t>(list.size());
  if (idx < 0) idx += n;
  if (idx < 0 || idx >= n) {
    if (found) *found = false;
    return Val::nil();
  }
  if (found) *found = true;
  return Val::str(list[idx]);
}

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

namespace {

// ---- placeholders (enable_ruby false) ---------------------------------------------------------

class Placeholder final : public Expr {
 public:
  enum class What {
    kTag,
    kHostname,
    kTime,
    kTagParts,
    kTagPrefix,
    kTagSuffix,
    kRecordKey,
    kUnknown
  };
  What what = What::kUnknown;
  int64_t index = 0;
  std::string key;

  Status eval(const EvalContext& ctx, EvalResult& out) const override {
    out.unknown = false;
    switch (what) {
      case What::kTag:
        out.value = Val::str(std::string(ctx.tag));
        break;
      case What::kHostname:
        out.value = Val::str(std::string(ctx.hostname));
        break;
      case What::kTime: {
        std::string text;
        append_time_to_s(ctx.time, false, text);
        out.value = Val::str(std::move(text));
        break;
      }
      case What::kTagParts:
      case What::kTagPrefix:
      case What::kTagSuffix: {
        const auto* list = what == What::kTagParts    ? ctx.tag_parts
                           : what == What::kTagPrefix ? ctx.tag_prefix
                                                      : ctx.tag_suffix;
        bool found = false;
        out.value = list ? list_elem(*list, index, &found) : Val::nil();
        out.unknown = !found;
        break;
      }
      case What::kRecordKey: {
        MpValue v = MapView::find(ctx.record, key);
        out.unknown = !v.valid();
        out.value = from_mp(v);
        break;
      }
      case What::kUnknown:
        out.value = Val::nil();
        out.unknown = true;
        break;
    }
    return Status::ok();
  }
  bool batch_constant() const override { return what != What::kTime && what != What::kRecordKey; }
};

// `N` exactly as Ruby's Integer#to_s writes it (what Fluentd's placeholder table holds).
bool canonical_int(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  if (s[i] == '0' && (s.size() - i > 1 || i == 1)) return false;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  out = std::strtoll(std::string(s).c_str(), nullptr, 10);
  return true;
}

}  // namespace

ExprPtr compile_placeholder(std::string_view token) {
  auto p = std::make_shared<Placeholder>();
  if (token.size() < 3 || token.substr(0, 2) != "${") return p;  // __X__: always unknown
  std::string_view inner = token.substr(2, token.size() - 3);
  using W = Placeholder::What;
  if (inner == "tag") {
    p->what = W::kTag;
  } else if (inner == "hostname") {
    p->what = W::kHostname;
  } else if (inner == "time") {
    p->what = W::kTime;
  } else if (starts_with(inner, "record[\"") && ends_with(inner, "\"]") && inner.size() >= 10) {
    p->what = W::kRecordKey;
    p->key = std::string(inner.substr(8, inner.size() - 10));
  } else {
    for (auto [name, what] :
         {std::pair{"tag_parts[", W::kTagParts}, std::pair{"tag_prefix[", W::kTagPrefix},
          std::pair{"tag_suffix[", W::kTagSuffix}}) {
      std::string_view n(name);
      int64_t idx = 0;
      if (starts_with(inner, n) && ends_with(inner, "]") &&
          canonical_int(inner.substr(n.size(), inner.size() - n.size() - 1), idx)) {
        p->what = what;
        p->index = idx;
      }
    }
  }
  return p;
}

namespace {

// ---- Ruby subset (enable_ruby true) -----------------------------------------------------------

enum class Op {
  kConst,
  kTag,
  kTime,
  kRecord,
  kHostname,
  kTagParts,
  kTagPrefix,
  kTagSuffix,
  kIndex,
  kMethod,
  kConcat,
  kAdd,
  kEq,
  kNe,
  kAnd,
  kOr,
  kNot,
  kCond,
  kTimeAt,
};

class Node final : public Expr {
 public:
  Op op = Op::kConst;
  Val constant;
  std::string method;
  std::vector<ExprPtr> kids;

  bool batch_constant() const override {
    if (op == Op::kTime || op == Op::kRecord) return false;
    for (const auto& k : kids)
      if (!k->batch_constant()) return false;
    return true;
  }

  Status eval(const EvalContext& ctx, EvalResult& out) const override {
    out.unknown = false;
    return eval_to(ctx, out.value);
  }

 private:
  static Status sub(const ExprPtr& e, const EvalContext& ctx, Val& v) {
    EvalResult r;
    Status s = e->eval(ctx, r);
    v = std::move(r.value);
    return s;
  }

  Status eval_to(const EvalContext& ctx, Val& v) const {
    switch (op) {
      case Op::kConst:
        v = constant;
        return Status::ok();
      case Op::kTag:
        v = Val::str(std::string(ctx.tag));
        return Status::ok();
      case Op::kHostname:
        v = Val::str(std::string(ctx.hostname));
        return Status::ok();
      case Op::kTime:
        v = Val{}, v.k = K::kTime, v.t = ctx.time;
        return Status::ok();
      case Op::kRecord:
        v = from_mp(ctx.record);
        return Status::ok();
      case Op::kTagParts:
      case Op::kTagPrefix:
      case Op::kTagSuffix: {
        const auto* l = op == Op::kTagParts    ? ctx.tag_parts
                        : op == Op::kTagPrefix ? ctx.tag_prefix
                                               : ctx.tag_suffix;
        v = Val{}, v.k = K::kList;
        if (l) v.list = *l;
        return Status::ok();
      }
      case Op::kConcat: {
        std::string text;
        for (const auto& k : kids) {
          Val part;
          if (Status s = sub(k, ctx, part); !s) return s;
          append_to_s(part, text);
        }
        v = Val::str(std::move(text));
        return Status::ok();
      }
      case Op::kAnd:
      case Op::kOr: {
        if (Status s = sub(kids[0], ctx, v); !s) return s;
        if (truthy(v) == (op == Op::kOr)) return Status::ok();
        return sub(kids[1], ctx, v);
      }
      case Op::kNot: {
        Val a;
        if (Status s = sub(kids[0], ctx, a); !s) return s;
        v = Val{}, v.k = K::kBool, v.b = !truthy(a);
        return Status::ok();
      }
      case Op::kCond: {
        Val c;
        if (Status s = sub(kids[0], ctx, c); !s) return s;
        return sub(truthy(c) ? kids[1] : kids[2], ctx, v);
      }
      case Op::kEq:
      case Op::kNe: {
        Val a, b;
        if (Status s = sub(kids[0], ctx, a); !s) return s;
        if (Status s = sub(kids[1], ctx, b); !s) return s;
        bool eq = equal(scalar(a), scalar(b));
        v = Val{}, v.k = K::kBool, v.b = (op == Op::kEq) == eq;
        return Status::ok();
      }
      case Op::kAdd: {
        Val a, b;
        if (Status s = sub(kids[0], ctx, a); !s) return s;
        if (Status s = sub(kids[1], ctx, b); !s) return s;
        return add(scalar(a), scalar(b), v);
      }
      case Op::kTimeAt: {
        Val a;
        if (Status s = sub(kids[0], ctx, a); !s) return s;
        a = scalar(a);
        v = Val{}, v.k = K::kTime;
        if (a.k == K::kTime) {
          v.t = a.t;
        } else if (a.k == K::kInt) {
          v.t = {static_cast<uint32_t>(a.i), 0};
        } else if (a.k == K::kFloat) {
          double sec = std::floor(a.f);
          v.t = {static_cast<uint32_t>(sec), static_cast<uint32_t>((a.f - sec) * 1e9)};
        } else {
          return ruby_error(std::string("can't convert ") + class_name(a) +
                            " into an exact number");
        }
        return Status::ok();
      }
      case Op::kIndex: {
        Val a, b;
        if (Status s = sub(kids[0], ctx, a); !s) return s;
        if (Status s = sub(kids[1], ctx, b); !s) return s;
        return index(a, scalar(b), v);
      }
      case Op::kMethod:
        return call(ctx, v);
    }
    return Status::ok();
  }

  static bool equal(const Val& a, const Val& b) {
    if ((a.k == K::kInt || a.k == K::kFloat) && (b.k == K::kInt || b.k == K::kFloat)) {
      double x = a.k == K::kInt ? static_cast<double>(a.i) : a.f;
      double y = b.k == K::kInt ? static_cast<double>(b.i) : b.f;
      return a.k == K::kInt && b.k == K::kInt ? a.i == b.i : x == y;
    }
    if (a.k != b.k) return false;
    switch (a.k) {
      case K::kNil:
        return true;
      case K::kBool:
        return a.b == b.b;
      case K::kStr:
        return a.s == b.s;
      case K::kRaw:
        return a.raw.bytes == b.raw.bytes;
      case K::kTime:
        return a.t == b.t;
      case K::kList:
        return a.list == b.list;
      default:
        return false;
    }
  }

  static Status add(const Val& a, const Val& b, Val& v) {
    if (a.k == K::kStr) {
      if (b.k != K::kStr)
        return ruby_error(std::string("no implicit conversion of ") + class_name(b) +
                          " into String");
      v = Val::str(a.s + b.s);
      return Status::ok();
    }
    if (a.k == K::kInt && b.k == K::kInt) {
      v = Val{}, v.k = K::kInt, v.i = a.i + b.i;
      return Status::ok();
    }
    if ((a.k == K::kInt || a.k == K::kFloat) && (b.k == K::kInt || b.k == K::kFloat)) {
      v = Val{}, v.k = K::kFloat;
      v.f = (a.k == K::kInt ? static_cast<double>(a.i) : a.f) +
            (b.k == K::kInt ? static_cast<double>(b.i) : b.f);
      return Status::ok();
    }
    if (a.k == K::kList && b.k == K::kList) {
      v = a;
      v.list.insert(v.list.end(), b.list.begin(), b.list.end());
      return Status::ok();
    }
    if (a.k == K::kNil) return no_method("+", a);
    return ruby_error(std::string(class_name(b)) + " can't be coerced into " + class_name(a));
  }

  // a[b]: Hash by key, Array / tag list by integer, String by substring or character index.
  static Status index(const Val& a, const Val& b, Val& v) {
    if (a.k == K::kRaw && a.raw.is_map()) {
      std::string_view key;
      v = string_of(b, key) ? from_mp(MapView::find(a.raw, key)) : Val::nil();
      return Status::ok();
    }
    if (a.k == K::kRaw && a.raw.is_array()) {
      if (b.k != K::kInt)
        return ruby_error(std::string("no implicit conversion of ") + class_name(b) +
                          " into Integer");
      v = from_mp(array_at(a.raw, b.i));
      return Status::ok();
    }
    if (a.k == K::kList) {
      if (b.k != K::kInt)
        return ruby_error(std::string("no implicit conversion of ") + class_name(b) +
                          " into Integer");
      v = list_elem(a.list, b.i);
      return Status::ok();
    }
    Val s = scalar(a);
    if (s.k == K::kStr) {
      std::string_view needle;
      if (string_of(b, needle)) {
        v = s.s.find(needle) != std::string::npos ? Val::str(std::string(needle)) : Val::nil();
        return Status::ok();
      }
      if (b.k == K::kInt) {
        int64_t n = static_cast<int64_t>(s.s.size()), i = b.i < 0 ? b.i + n : b.i;
        v = (i >= 0 && i < n) ? Val::str(s.s.substr(i, 1)) : Val::nil();
        return Status::ok();
      }
    }
    return no_method("[]", a);
  }

  Status call(const EvalContext& ctx, Val& v) const {
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
        while (!v.list.empty() && v.list.back().empty())
          v.list.pop_back();  // Ruby drops trailing ""
      }
      return Status::ok();
    }
    return no_method(m, self);
  }
};

std::shared_ptr<Node> node(Op op, std::vector<ExprPtr> kids = {}) {
  auto n = std::make_shared<Node>();
  n->op = op;
  n->kids = std::move(kids);
  return n;
}

std::shared_ptr<Node> constant(Val v) {
  auto n = node(Op::kConst);
  n->constant = std::move(v);
  return n;
}

// Methods the subset knows, with how many arguments each takes (-1: any number, -2: 0 or 1).
int method_arity(std::string_view m) {
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

class RubyParser {
 public:
  RubyParser(std::string_view src, CompileError& err) : src_(src), err_(err) {}

  ExprPtr parse_all() {
    ExprPtr e = expr();
    if (!e) return nullptr;
    skip_ws();
    if (pos_ < src_.size()) return fail("unexpected `" + std::string(rest_word()) + "`");
    return e;
  }

  // Body of a double-quoted string up to `end` (pos_ is after the opening quote; for %Q[ the
  // brackets nest). Leaves pos_ after the closing delimiter.
  ExprPtr string_body(char end, bool nest_brackets, bool to_eof) {
    std::vector<ExprPtr> parts;
    std::string lit;
    int depth = 0;
    auto flush = [&] {
      if (!lit.empty()) parts.push_back(constant(Val::str(std::move(lit))));
      lit.clear();
    };
    while (true) {
      if (pos_ >= src_.size()) {
        if (to_eof) break;
        return fail("unterminated string");
      }
      char c = src_[pos_];
      if (!to_eof && c == end && depth == 0) {
        ++pos_;
        break;
      }
      if (nest_brackets && c == '[') ++depth;
      if (nest_brackets && c == ']') --depth;
      if (c == '\\' && pos_ + 1 < src_.size()) {
        char n = src_[pos_ + 1];
        pos_ += 2;
        switch (n) {
          case 'n':
            lit += '\n';
            break;
          case 't':
            lit += '\t';
            break;
          case 'r':
            lit += '\r';
            break;
          case '0':
            lit += '\0';
            break;
          case 'e':
            lit += '\x1b';
            break;
          case 's':
            lit += ' ';
            break;
          default:
            lit += n;
            break;
        }
        continue;
      }
      if ((c == '#' || c == '$') && pos_ + 1 < src_.size() && src_[pos_ + 1] == '{') {
        size_t start = pos_ + 2;
        size_t close = matching_brace(start);
        if (close == std::string_view::npos) return fail("unterminated #{...}");
        flush();
        CompileError sub_err;
        RubyParser inner(src_.substr(0, close), sub_err);
        inner.pos_ = start;
        ExprPtr e = inner.parse_all();
        if (!e) {
          err_ = sub_err;
          return nullptr;
        }
        parts.push_back(e);
        pos_ = close + 1;
        continue;
      }
      lit += c;
      ++pos_;
    }
    flush();
    if (parts.size() == 1) {
      if (auto* n = dynamic_cast<const Node*>(parts[0].get()); n && n->op == Op::kConst)
        return parts[0];
    }
    return node(Op::kConcat, std::move(parts));
  }

 private:
  ExprPtr fail(std::string message) {
    if (err_.message.empty()) {
      err_.message = std::move(message);
      err_.offset = pos_;
    }
    return nullptr;
  }

  std::string_view rest_word() const {
    size_t e = pos_;
    while (e < src_.size() && e - pos_ < 20 && !std::isspace(static_cast<unsigned char>(src_[e])))
      ++e;
    return src_.substr(pos_, std::max<size_t>(e - pos_, 1));
  }

  // The '}' closing an interpolation opened before `from`, skipping nested braces and strings.
  size_t matching_brace(size_t from) const {
    int depth = 0;
    for (size_t i = from; i < src_.size(); ++i) {
      char c = src_[i];
      if (c == '"' || c == '\'') {
        for (++i; i < src_.size() && src_[i] != c; ++i)
          if (src_[i] == '\\') ++i;
        continue;
      }
      if (c == '{') ++depth;
      if (c == '}') {
        if (depth == 0) return i;
        --depth;
      }
    }
    return std::string_view::npos;
  }

  void skip_ws() {
    while (pos_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
  }
  bool eat(std::string_view s) {
    skip_ws();
    if (src_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }
  bool peek(std::string_view s) {
    skip_ws();
    return src_.substr(pos_, s.size()) == s;
  }
  std::string ident() {
    skip_ws();
    size_t b = pos_;
    while (pos_ < src_.size() &&
           (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
      ++pos_;
    if (pos_ < src_.size() && pos_ > b && (src_[pos_] == '?' || src_[pos_] == '!') &&
        !(pos_ + 1 < src_.size() && src_[pos_ + 1] == '=')) {
      // `nil?` is a method name; `a ? b : c` has a space before '?'.
      ++pos_;
    }
    return std::string(src_.substr(b, pos_ - b));
  }

  ExprPtr expr() {
    ExprPtr c = or_expr();
    if (!c) return nullptr;
    skip_ws();
    if (pos_ < src_.size() && src_[pos_] == '?') {
      ++pos_;
      ExprPtr a = expr();
      if (!a) return nullptr;
      if (!eat(":")) return fail("expected `:` in `cond ? a : b`");
      ExprPtr b = expr();
      if (!b) return nullptr;
      return node(Op::kCond, {c, a, b});
    }
    return c;
  }
  ExprPtr or_expr() {
    ExprPtr a = and_expr();
    while (a && eat("||")) {
      ExprPtr b = and_expr();
      if (!b) return nullptr;
      a = node(Op::kOr, {a, b});
    }
    return a;
  }
  ExprPtr and_expr() {
    ExprPtr a = eq_expr();
    while (a && eat("&&")) {
      ExprPtr b = eq_expr();
      if (!b) return nullptr;
      a = node(Op::kAnd, {a, b});
    }
    return a;
  }
  ExprPtr eq_expr() {
    ExprPtr a = add_expr();
    if (!a) return nullptr;
    if (eat("==")) {
      ExprPtr b = add_expr();
      return b ? node(Op::kEq, {a, b}) : nullptr;
    }
    if (eat("!=")) {
      ExprPtr b = add_expr();
      return b ? node(Op::kNe, {a, b}) : nullptr;
    }
    return a;
  }
  ExprPtr add_expr() {
    ExprPtr a = unary();
    while (a) {
      skip_ws();
      if (pos_ < src_.size() && src_[pos_] == '+') {
        ++pos_;
        ExprPtr b = unary();
        if (!b) return nullptr;
        a = node(Op::kAdd, {a, b});
        continue;
      }
      std::string_view two = src_.substr(pos_, 2);
      if (two == "==" || two == "!=" || two == "&&" || two == "||") break;
      if (pos_ < src_.size() && (src_[pos_] == '-' || src_[pos_] == '*' || src_[pos_] == '/' ||
                                 src_[pos_] == '%' || src_[pos_] == '<' || src_[pos_] == '>' ||
                                 src_[pos_] == '=' || src_[pos_] == '&' || src_[pos_] == '|'))
        return fail("operator `" + std::string(1, src_[pos_]) + "` is not supported");
      break;
    }
    return a;
  }
  ExprPtr unary() {
    skip_ws();
    if (pos_ < src_.size() && src_[pos_] == '!' &&
        !(pos_ + 1 < src_.size() && src_[pos_ + 1] == '=')) {
      ++pos_;
      ExprPtr a = unary();
      return a ? node(Op::kNot, {a}) : nullptr;
    }
    return postfix();
  }
  ExprPtr postfix() {
    ExprPtr a = primary();
    while (a) {
      skip_ws();
      if (pos_ < src_.size() && src_[pos_] == '[') {
        ++pos_;
        ExprPtr i = expr();
        if (!i) return nullptr;
        if (!eat("]")) return fail("expected `]`");
        a = node(Op::kIndex, {a, i});
        continue;
      }
      if (pos_ < src_.size() && src_[pos_] == '.') {
        ++pos_;
        size_t at = pos_;
        std::string m = ident();
        int arity = method_arity(m);
        if (arity == -3) {
          pos_ = at;
          return fail("method `" + (m.empty() ? std::string(rest_word()) : m) +
                      "` is not supported");
        }
        std::vector<ExprPtr> kids{a};
        if (peek("(")) {
          eat("(");
          if (!eat(")")) {
            do {
              ExprPtr arg = expr();
              if (!arg) return nullptr;
              kids.push_back(arg);
            } while (eat(","));
            if (!eat(")")) return fail("expected `)`");
          }
        }
        size_t n = kids.size() - 1;
        bool ok = arity == -1 ? n >= 1 : arity == -2 ? n <= 1 : n == static_cast<size_t>(arity);
        if (!ok) {
          pos_ = at;
          return fail("wrong number of arguments for `" + m + "`");
        }
        auto call = node(Op::kMethod, std::move(kids));
        call->method = m;
        a = call;
        continue;
      }
      break;
    }
    return a;
  }
  ExprPtr primary() {
    skip_ws();
    if (pos_ >= src_.size()) return fail("expression expected");
    char c = src_[pos_];
    if (c == '(') {
      ++pos_;
      ExprPtr e = expr();
      if (!e) return nullptr;
      if (!eat(")")) return fail("expected `)`");
      return e;
    }
    if (c == '"') {
      ++pos_;
      return string_body('"', false, false);
    }
    if (c == '\'') {
      ++pos_;
      std::string lit;
      while (pos_ < src_.size() && src_[pos_] != '\'') {
        if (src_[pos_] == '\\' && pos_ + 1 < src_.size() &&
            (src_[pos_ + 1] == '\'' || src_[pos_ + 1] == '\\'))
          ++pos_;
        lit += src_[pos_++];
      }
      if (pos_ >= src_.size()) return fail("unterminated string");
      ++pos_;
      return constant(Val::str(std::move(lit)));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '-' && pos_ + 1 < src_.size() &&
         std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
      size_t b = pos_++;
      while (pos_ < src_.size() &&
             (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
        ++pos_;
      Val v;
      if (pos_ + 1 < src_.size() && src_[pos_] == '.' &&
          std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
        ++pos_;
        while (pos_ < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_]))) ++pos_;
        v.k = K::kFloat, v.f = ruby_str_to_f(src_.substr(b, pos_ - b));
      } else {
        v.k = K::kInt, v.i = ruby_str_to_i(src_.substr(b, pos_ - b));
      }
      return constant(std::move(v));
    }
    size_t at = pos_;
    std::string id = ident();
    if (id.empty()) return fail("`" + std::string(rest_word()) + "` is not supported");
    if (id == "nil") return constant(Val::nil());
    if (id == "true" || id == "false") {
      Val v;
      v.k = K::kBool, v.b = id == "true";
      return constant(std::move(v));
    }
    if (id == "tag") return node(Op::kTag);
    if (id == "time") return node(Op::kTime);
    if (id == "record") return node(Op::kRecord);
    if (id == "hostname") return node(Op::kHostname);
    if (id == "tag_parts") return node(Op::kTagParts);
    if (id == "tag_prefix") return node(Op::kTagPrefix);
    if (id == "tag_suffix") return node(Op::kTagSuffix);
    if (id == "Time") {
      if (!eat(".")) return fail("`Time` is only supported as `Time.at(...)`");
      size_t m_at = pos_;
      if (ident() != "at") {
        pos_ = m_at;
        return fail("`Time." + std::string(rest_word()) +
                    "` is not supported; only `Time.at(...)`");
      }
      if (!eat("(")) return fail("expected `(` after Time.at");
      ExprPtr a = expr();
      if (!a) return nullptr;
      if (!eat(")")) return fail("expected `)`");
      return node(Op::kTimeAt, {a});
    }
    pos_ = at;
    return fail("`" + id + "` is not supported");
  }

  std::string_view src_;
  CompileError& err_;
  size_t pos_ = 0;
};

}  // namespace

ExprPtr compile_ruby(std::string_view source, CompileError& err) {
  RubyParser p(source, err);
  return p.parse_all();
}

ExprPtr compile_ruby_interpolation(std::string_view body, CompileError& err) {
  RubyParser p(body, err);
  return p.string_body('\0', false, true);
}

}  // namespace shipper::filter_record_transformer
