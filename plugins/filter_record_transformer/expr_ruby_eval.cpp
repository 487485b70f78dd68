// Evaluation of the Ruby subset's operators, variables and literals. Semantics follow Ruby where a
// Kubernetes config can observe them: Integer vs Float arithmetic, String + non-String raising,
// nil and false being the only false values, a[b] on Hash / Array / String.
#include <cmath>
#include <utility>

#include "plugins/filter_record_transformer/expr_ruby_ast.hpp"
#include "plugins/filter_record_transformer/expr_value.hpp"

namespace shipper::filter_record_transformer {

using K = Val::K;
using Op = RubyOp;

bool RubyNode::batch_constant() const {
  if (op == Op::kTime || op == Op::kRecord) return false;
  for (const auto& k : kids)
    if (!k->batch_constant()) return false;
  return true;
}

Status RubyNode::eval(const EvalContext& ctx, EvalResult& out) const {
  out.unknown = false;
  return eval_to(ctx, out.value);
}

Status RubyNode::sub(const ExprPtr& e, const EvalContext& ctx, Val& v) {
  EvalResult r;
  Status s = e->eval(ctx, r);
  v = std::move(r.value);
  return s;
}

Status RubyNode::eval_to(const EvalContext& ctx, Val& v) const {
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
        return ruby_error(std::string("can't convert ") + class_name(a) + " into an exact number");
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

bool RubyNode::equal(const Val& a, const Val& b) {
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

Status RubyNode::add(const Val& a, const Val& b, Val& v) {
  if (a.k == K::kStr) {
    if (b.k != K::kStr)
      return ruby_error(std::string("no implicit conversion of ") + class_name(b) + " into String");
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

Status RubyNode::index(const Val& a, const Val& b, Val& v) {
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

}  // namespace shipper::filter_record_transformer
