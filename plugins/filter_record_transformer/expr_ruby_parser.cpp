// The grammar of the Ruby subset, by recursive descent, lowest precedence first:
//   expr     := or_expr [ '?' expr ':' expr ]
//   or_expr  := and_expr { '||' and_expr }
//   and_expr := eq_expr { '&&' eq_expr }
//   eq_expr  := add_expr [ ('==' | '!=') add_expr ]
//   add_expr := unary { '+' unary }
//   unary    := '!' unary | postfix
//   postfix  := primary { '[' expr ']' | '.' method [ '(' args ')' ] }
//   primary  := '(' expr ')' | string | number | nil | true | false | variable | Time.at(expr)
// Anything outside it fails here, at configure time, with the unsupported part named, so that a
// config never fails later at run time for that reason.
#include <utility>
#include <vector>

#include "plugins/filter_record_transformer/expr.hpp"
#include "plugins/filter_record_transformer/expr_ruby_ast.hpp"
#include "plugins/filter_record_transformer/expr_ruby_lexer.hpp"

namespace shipper::filter_record_transformer {
namespace {

using Op = RubyOp;

std::shared_ptr<RubyNode> node(Op op, std::vector<ExprPtr> kids = {}) {
  auto n = std::make_shared<RubyNode>();
  n->op = op;
  n->kids = std::move(kids);
  return n;
}

std::shared_ptr<RubyNode> constant(Val v) {
  auto n = node(Op::kConst);
  n->constant = std::move(v);
  return n;
}

class RubyParser {
 public:
  RubyParser(std::string_view src, CompileError& err) : lex_(src), err_(err) {}

  ExprPtr parse_all() {
    ExprPtr e = expr();
    if (!e) return nullptr;
    lex_.skip_ws();
    if (!lex_.at_end()) return fail("unexpected `" + std::string(lex_.rest_word()) + "`");
    return e;
  }

  // Body of a double-quoted string up to `end` (the cursor is after the opening quote; for %Q[
  // the brackets nest). Leaves the cursor after the closing delimiter.
  ExprPtr string_body(char end, bool nest_brackets, bool to_eof) {
    std::vector<ExprPtr> parts;
    std::string lit;
    int depth = 0;
    auto flush = [&] {
      if (!lit.empty()) parts.push_back(constant(Val::str(std::move(lit))));
      lit.clear();
    };
    while (true) {
      if (lex_.at_end()) {
        if (to_eof) break;
        return fail("unterminated string");
      }
      char c = lex_.ahead();
      if (!to_eof && c == end && depth == 0) {
        lex_.advance();
        break;
      }
      if (nest_brackets && c == '[') ++depth;
      if (nest_brackets && c == ']') --depth;
      if (c == '\\' && lex_.has(1)) {
        lit += RubyLexer::double_quoted_escape(lex_.ahead(1));
        lex_.advance(2);
        continue;
      }
      if ((c == '#' || c == '$') && lex_.has(1) && lex_.ahead(1) == '{') {
        size_t start = lex_.pos() + 2;
        size_t close = lex_.matching_brace(start);
        if (close == std::string_view::npos) return fail("unterminated #{...}");
        flush();
        // The interpolated code is parsed over the same text (cut at the '}'), so that error
        // offsets stay offsets into the whole source.
        CompileError sub_err;
        RubyParser inner(lex_.source().substr(0, close), sub_err);
        inner.lex_.seek(start);
        ExprPtr e = inner.parse_all();
        if (!e) {
          err_ = sub_err;
          return nullptr;
        }
        parts.push_back(e);
        lex_.seek(close + 1);
        continue;
      }
      lit += c;
      lex_.advance();
    }
    flush();
    if (parts.size() == 1) {
      if (auto* n = dynamic_cast<const RubyNode*>(parts[0].get()); n && n->op == Op::kConst)
        return parts[0];
    }
    return node(Op::kConcat, std::move(parts));
  }

 private:
  // Records the first failure only: callers unwind with nullptr and must not overwrite it.
  ExprPtr fail(std::string message) {
    if (err_.message.empty()) {
      err_.message = std::move(message);
      err_.offset = lex_.pos();
    }
    return nullptr;
  }

  ExprPtr expr() {
    ExprPtr c = or_expr();
    if (!c) return nullptr;
    lex_.skip_ws();
    if (lex_.accept('?')) {
      ExprPtr a = expr();
      if (!a) return nullptr;
      if (!lex_.eat(":")) return fail("expected `:` in `cond ? a : b`");
      ExprPtr b = expr();
      if (!b) return nullptr;
      return node(Op::kCond, {c, a, b});
    }
    return c;
  }

  ExprPtr or_expr() {
    ExprPtr a = and_expr();
    while (a && lex_.eat("||")) {
      ExprPtr b = and_expr();
      if (!b) return nullptr;
      a = node(Op::kOr, {a, b});
    }
    return a;
  }

  ExprPtr and_expr() {
    ExprPtr a = eq_expr();
    while (a && lex_.eat("&&")) {
      ExprPtr b = eq_expr();
      if (!b) return nullptr;
      a = node(Op::kAnd, {a, b});
    }
    return a;
  }

  ExprPtr eq_expr() {
    ExprPtr a = add_expr();
    if (!a) return nullptr;
    if (lex_.eat("==")) {
      ExprPtr b = add_expr();
      return b ? node(Op::kEq, {a, b}) : nullptr;
    }
    if (lex_.eat("!=")) {
      ExprPtr b = add_expr();
      return b ? node(Op::kNe, {a, b}) : nullptr;
    }
    return a;
  }

  ExprPtr add_expr() {
    ExprPtr a = unary();
    while (a) {
      lex_.skip_ws();
      if (lex_.accept('+')) {
        ExprPtr b = unary();
        if (!b) return nullptr;
        a = node(Op::kAdd, {a, b});
        continue;
      }
      if (lex_.looking_at("==") || lex_.looking_at("!=") || lex_.looking_at("&&") ||
          lex_.looking_at("||"))
        break;
      // Other operators are Ruby but not the subset: name them rather than "unexpected".
      if (lex_.has()) {
        char c = lex_.ahead();
        if (c == '-' || c == '*' || c == '/' || c == '%' || c == '<' || c == '>' || c == '=' ||
            c == '&' || c == '|')
          return fail("operator `" + std::string(1, c) + "` is not supported");
      }
      break;
    }
    return a;
  }

  ExprPtr unary() {
    lex_.skip_ws();
    if (lex_.has() && lex_.ahead() == '!' && !lex_.looking_at("!=")) {
      lex_.advance();
      ExprPtr a = unary();
      return a ? node(Op::kNot, {a}) : nullptr;
    }
    return postfix();
  }

  ExprPtr postfix() {
    ExprPtr a = primary();
    while (a) {
      lex_.skip_ws();
      if (lex_.accept('[')) {
        ExprPtr i = expr();
        if (!i) return nullptr;
        if (!lex_.eat("]")) return fail("expected `]`");
        a = node(Op::kIndex, {a, i});
        continue;
      }
      if (lex_.accept('.')) {
        size_t at = lex_.pos();
        std::string m = lex_.ident();
        int arity = ruby_method_arity(m);
        if (arity == -3) {
          lex_.seek(at);
          return fail("method `" + (m.empty() ? std::string(lex_.rest_word()) : m) +
                      "` is not supported");
        }
        std::vector<ExprPtr> kids{a};
        if (lex_.peek("(")) {
          lex_.eat("(");
          if (!lex_.eat(")")) {
            do {
              ExprPtr arg = expr();
              if (!arg) return nullptr;
              kids.push_back(arg);
            } while (lex_.eat(","));
            if (!lex_.eat(")")) return fail("expected `)`");
          }
        }
        size_t n = kids.size() - 1;
        bool ok = arity == -1 ? n >= 1 : arity == -2 ? n <= 1 : n == static_cast<size_t>(arity);
        if (!ok) {
          lex_.seek(at);
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
    lex_.skip_ws();
    if (lex_.at_end()) return fail("expression expected");
    char c = lex_.ahead();
    if (c == '(') {
      lex_.advance();
      ExprPtr e = expr();
      if (!e) return nullptr;
      if (!lex_.eat(")")) return fail("expected `)`");
      return e;
    }
    if (c == '"') {
      lex_.advance();
      return string_body('"', false, false);
    }
    if (c == '\'') {
      std::string lit;
      if (!lex_.single_quoted(lit)) return fail("unterminated string");
      return constant(Val::str(std::move(lit)));
    }
    if (lex_.at_number()) return constant(lex_.number());
    size_t at = lex_.pos();
    std::string id = lex_.ident();
    if (id.empty()) {
      std::string message = "`";  // built by appends: `"`" + …` trips GCC 12's -Wrestrict
      message.append(lex_.rest_word());
      return fail(message + "` is not supported");
    }
    if (id == "nil") return constant(Val::nil());
    if (id == "true" || id == "false") {
      Val v;
      v.k = Val::K::kBool, v.b = id == "true";
      return constant(std::move(v));
    }
    if (id == "tag") return node(Op::kTag);
    if (id == "time") return node(Op::kTime);
    if (id == "record") return node(Op::kRecord);
    if (id == "hostname") return node(Op::kHostname);
    if (id == "tag_parts") return node(Op::kTagParts);
    if (id == "tag_prefix") return node(Op::kTagPrefix);
    if (id == "tag_suffix") return node(Op::kTagSuffix);
    if (id == "Time") return time_at();
    lex_.seek(at);
    return fail("`" + id + "` is not supported");
  }

  // After `Time`: only Time.at(expr), which Kubernetes configs use to format event times.
  ExprPtr time_at() {
    if (!lex_.eat(".")) return fail("`Time` is only supported as `Time.at(...)`");
    size_t m_at = lex_.pos();
    if (lex_.ident() != "at") {
      lex_.seek(m_at);
      return fail("`Time." + std::string(lex_.rest_word()) +
                  "` is not supported; only `Time.at(...)`");
    }
    if (!lex_.eat("(")) return fail("expected `(` after Time.at");
    ExprPtr a = expr();
    if (!a) return nullptr;
    if (!lex_.eat(")")) return fail("expected `)`");
    return node(Op::kTimeAt, {a});
  }

  RubyLexer lex_;
  CompileError& err_;
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
