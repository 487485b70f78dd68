#pragma once
// The tree of a compiled Ruby-subset expression (enable_ruby true): built by expr_ruby_parser.cpp,
// evaluated by expr_ruby_eval.cpp (operators) and expr_ruby_methods.cpp (method calls).
// One node class with an opcode, rather than a class per construct, keeps each of those jobs in
// one file instead of spreading every construct over parser, evaluator and method table.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/filter_record_transformer/expr.hpp"

namespace shipper::filter_record_transformer {

enum class RubyOp {
  kConst,  // a literal (`constant`)
  kTag,    // kTag … kTagSuffix: the variables Fluentd's RubyPlaceholderExpander defines
  kTime,
  kRecord,
  kHostname,
  kTagParts,
  kTagPrefix,
  kTagSuffix,
  kIndex,   // kids[0][kids[1]]
  kMethod,  // kids[0].method(kids[1..])
  kConcat,  // "…#{…}…": the to_s of every kid, joined
  kAdd,     // kids[0] + kids[1]
  kEq,
  kNe,
  kAnd,
  kOr,
  kNot,
  kCond,    // kids[0] ? kids[1] : kids[2]
  kTimeAt,  // Time.at(kids[0])
};

class RubyNode final : public Expr {
 public:
  RubyOp op = RubyOp::kConst;
  Val constant;
  std::string method;
  std::vector<ExprPtr> kids;

  bool batch_constant() const override;
  Status eval(const EvalContext& ctx, EvalResult& out) const override;

 private:
  static Status sub(const ExprPtr& e, const EvalContext& ctx, Val& v);
  Status eval_to(const EvalContext& ctx, Val& v) const;
  static bool equal(const Val& a, const Val& b);
  static Status add(const Val& a, const Val& b, Val& v);
  // a[b]: Hash by key, Array / tag list by integer, String by substring or character index.
  static Status index(const Val& a, const Val& b, Val& v);
  // kMethod (expr_ruby_methods.cpp).
  Status call(const EvalContext& ctx, Val& v) const;
};

// How many arguments a method of the subset takes: n, -1 for one or more, -2 for 0 or 1, and -3
// when the subset does not know the method (rejected at configure time). Defined beside the
// methods' implementations so that the parser's list and the evaluator cannot drift apart.
int ruby_method_arity(std::string_view method);

}  // namespace shipper::filter_record_transformer
