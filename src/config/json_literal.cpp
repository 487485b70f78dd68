// scan_json_literal: where a JSON value written in fluent.conf ends, found the way Fluentd finds
// it (json_compact.cpp writes the value back compactly).
#include "config/json_literal.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "config/embedded_ruby.hpp"
#include "core/json_escape.hpp"

namespace shipper::config {

namespace {

// A validating JSON push-down automaton fed one byte at a time. It tells, after every byte,
// whether the text so far is a complete document, which is what Fluentd finds out by calling
// JSON.parse after every character (without its quadratic cost).
class JsonAutomaton {
 public:
  enum class Expect { kValue, kValueOrClose, kKey, kKeyOrClose, kColon, kCommaOrClose, kDone };

  bool failed() const { return failed_; }
  const std::string& why() const { return why_; }
  bool complete() const { return !failed_ && expect_ == Expect::kDone && lex_ == Lex::kNone; }
  bool in_string() const {
    return lex_ == Lex::kString || lex_ == Lex::kEscape || lex_ == Lex::kHex;
  }
  size_t depth() const { return stack_.size(); }

  void feed(char c) {
    if (failed_) return;
    switch (lex_) {
      case Lex::kString:
        if (c == '\\')
          lex_ = Lex::kEscape;
        else if (c == '"') {
          lex_ = Lex::kNone;
          expect_ = string_is_key_ ? Expect::kColon : Expect::kCommaOrClose;
        } else if (static_cast<unsigned char>(c) < 0x20)
          fail("control character inside a JSON string");
        return;
      case Lex::kEscape:
        if (c == 'u') {
          lex_ = Lex::kHex;
          hex_left_ = 4;
        } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
                   c == 'r' || c == 't') {
          lex_ = Lex::kString;
        } else {
          fail(std::string("invalid escape '\\") + c + "' in a JSON string");
        }
        return;
      case Lex::kHex:
        if (!std::isxdigit(static_cast<unsigned char>(c)))
          return fail("invalid \\u escape in a JSON string");
        if (--hex_left_ == 0) lex_ = Lex::kString;
        return;
      case Lex::kLiteral:
        if (c != literal_[literal_pos_])
          return fail("invalid literal (expected true, false or null)");
        if (literal_[++literal_pos_] == '\0') value_done();
        return;
      case Lex::kNumber:
        if (number_continues(c)) return;
        if (num_ != Num::kZero && num_ != Num::kInt && num_ != Num::kFrac && num_ != Num::kExp)
          return fail("incomplete number");
        value_done();
        break;  // c is structural: handled below
      case Lex::kNone:
        break;
    }
    structural(c);
  }

 private:
  enum class Lex { kNone, kString, kEscape, kHex, kNumber, kLiteral };
  enum class Num { kSign, kZero, kInt, kDot, kFrac, kE, kESign, kExp };

  void fail(std::string why) {
    failed_ = true;
    why_ = std::move(why);
  }
  void value_done() {
    lex_ = Lex::kNone;
    expect_ = Expect::kCommaOrClose;
  }
  void close() {
    stack_.pop_back();
    if (stack_.empty())
      expect_ = Expect::kDone;
    else
      value_done();
  }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number_continues(char c) {
    switch (num_) {
      case Num::kSign:
        if (c == '0')
          num_ = Num::kZero;
        else if (digit(c))
          num_ = Num::kInt;
        else
          return false;
        return true;
      case Num::kZero:
      case Num::kInt:
        if (num_ == Num::kInt && digit(c)) return true;
        if (c == '.')
          num_ = Num::kDot;
        else if (c == 'e' || c == 'E')
          num_ = Num::kE;
        else
          return false;
        return true;
      case Num::kDot:
        if (!digit(c)) return false;
        num_ = Num::kFrac;
        return true;
      case Num::kFrac:
        if (digit(c)) return true;
        if (c == 'e' || c == 'E')
          num_ = Num::kE;
        else
          return false;
        return true;
      case Num::kE:
        if (c == '+' || c == '-')
          num_ = Num::kESign;
        else if (digit(c))
          num_ = Num::kExp;
        else
          return false;
        return true;
      case Num::kESign:
        if (!digit(c)) return false;
        num_ = Num::kExp;
        return true;
      case Num::kExp:
        return digit(c);
    }
    return false;
  }

  void start_value(char c) {
    if (c == '"') {
      lex_ = Lex::kString;
      string_is_key_ = false;
    } else if (c == '[' || c == '{') {
      if (stack_.size() >= kJsonMaxNesting)
        return fail("nested deeper than 100 levels (Ruby's JSON limit)");
      stack_.push_back(c);
      expect_ = c == '[' ? Expect::kValueOrClose : Expect::kKeyOrClose;
    } else if (c == '-' || digit(c)) {
      lex_ = Lex::kNumber;
      num_ = c == '-' ? Num::kSign : c == '0' ? Num::kZero : Num::kInt;
    } else if (c == 't' || c == 'f' || c == 'n') {
      lex_ = Lex::kLiteral;
      literal_ = c == 't' ? "true" : c == 'f' ? "false" : "null";
      literal_pos_ = 1;
    } else {
      fail(std::string("unexpected '") + c + "' where a value should be");
    }
  }

  void structural(char c) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return;
    switch (expect_) {
      case Expect::kValueOrClose:
        if (c == ']') return close();
        [[fallthrough]];
      case Expect::kValue:
        return start_value(c);
      case Expect::kKeyOrClose:
        if (c == '}') return close();
        [[fallthrough]];
      case Expect::kKey:
        if (c != '"')
          return fail(std::string("unexpected '") + c + "' where an object key should be");
        lex_ = Lex::kString;
        string_is_key_ = true;
        return;
      case Expect::kColon:
        if (c != ':') return fail("expected ':' after an object key");
        expect_ = Expect::kValue;
        return;
      case Expect::kCommaOrClose:
        if (c == ',') {
          expect_ = stack_.back() == '[' ? Expect::kValue : Expect::kKey;
        } else if ((c == ']' && stack_.back() == '[') || (c == '}' && stack_.back() == '{')) {
          close();
        } else {
          fail(std::string("unexpected '") + c + "' (expected ',' or the closing bracket)");
        }
        return;
      case Expect::kDone:
        return fail("text after the end of the JSON value");
    }
  }

  std::vector<char> stack_;
  Expect expect_ = Expect::kValue;
  Lex lex_ = Lex::kNone;
  Num num_ = Num::kInt;
  const char* literal_ = "";
  int literal_pos_ = 0;
  int hex_left_ = 0;
  bool string_is_key_ = false;
  bool failed_ = false;
  std::string why_;
};

}  // namespace

JsonScan scan_json_literal(std::string_view text, const JsonEmbedFn& embed) {
  JsonScan r;
  JsonAutomaton json;
  const char closer = text.empty() || text[0] == '[' ? ']' : '}';
  // The state just before the last ',' when that comma is still the last thing on the line:
  // Fluentd drops such a comma when it tries whether a '#' starts a comment.
  std::optional<JsonAutomaton> before_trailing_comma;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '#' && !json.in_string()) {
      JsonAutomaton probe = before_trailing_comma ? *before_trailing_comma : json;
      probe.feed(closer);
      if (!probe.complete()) {
        r.error = "'#' outside a JSON string here is not a comment (Fluentd takes it literally)";
        r.error_offset = i;
        r.end = i;
        return r;
      }
      while (i < text.size() && text[i] != '\n') ++i;  // comment: dropped up to the newline
      continue;
    }
    if (embed && c == '#' && json.in_string() && i + 1 < text.size() && text[i + 1] == '{') {
      auto len = embedded_code_length(text.substr(i + 2));
      if (!len) {
        r.error = "expected end of embedded code but the file ended";
        r.error_offset = i;
        r.end = text.size();
        return r;
      }
      std::string escaped;
      append_json_escaped(embed(text.substr(i + 2, *len), i + 2), escaped);
      for (char e : escaped) json.feed(e);
      r.text += escaped;
      i += 2 + *len + 1;
      continue;
    }
    if (c == '\n')
      before_trailing_comma.reset();
    else if (c == ',' && !json.in_string())
      before_trailing_comma = json;
    else if (c != ' ' && c != '\t' && c != '\r')
      before_trailing_comma.reset();
    json.feed(c);
    r.text += c;
    ++i;
    if (json.failed()) {
      r.error = json.why();
      r.error_offset = i - 1;
      r.end = i;
      return r;
    }
    if (json.complete()) {
      r.complete = true;
      r.end = i;
      return r;
    }
  }
  r.error = "the value ends with the file before the JSON is complete";
  r.error_offset = text.size();
  r.end = text.size();
  return r;
}

}  // namespace shipper::config
