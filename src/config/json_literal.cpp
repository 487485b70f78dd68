#include "config/json_literal.hpp"

#include "config/embedded_ruby.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shipper::config {

namespace {

// Ruby's JSON parser refuses documents nested deeper than this (max_nesting).
constexpr size_t kMaxNesting = 100;

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
      if (stack_.size() >= kMaxNesting)
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

// --- compact re-serialisation -------------------------------------------------------------

class Compactor {
 public:
  explicit Compactor(std::string_view s) : s_(s) {}
  bool run(std::string* out, std::string* error) {
    ws();
    if (!value(*out, 0)) {
      if (error) *error = error_.empty() ? "invalid JSON" : error_;
      return false;
    }
    ws();
    if (i_ != s_.size()) {
      if (error) *error = "text after the end of the JSON value";
      return false;
    }
    return true;
  }

 private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool bad(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  bool value(std::string& out, size_t depth) {
    if (depth > kMaxNesting) return bad("nested deeper than 100 levels");
    ws();
    if (i_ >= s_.size()) return bad("unexpected end of JSON");
    char c = s_[i_];
    if (c == '[') return array(out, depth);
    if (c == '{') return object(out, depth);
    if (c == '"') {
      std::string str;
      if (!string(str)) return false;
      out += '"';
      json_escape_append(out, str);
      out += '"';
      return true;
    }
    for (std::string_view lit : {"true", "false", "null"}) {
      if (s_.substr(i_, lit.size()) == lit) {
        i_ += lit.size();
        out += lit;
        return true;
      }
    }
    return number(out);
  }
  bool array(std::string& out, size_t depth) {
    ++i_;
    out += '[';
    ws();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      out += ']';
      return true;
    }
    while (true) {
      if (!value(out, depth + 1)) return false;
      ws();
      if (i_ >= s_.size()) return bad("unexpected end of JSON");
      if (s_[i_] == ',') {
        ++i_;
        out += ',';
      } else if (s_[i_] == ']') {
        ++i_;
        out += ']';
        return true;
      } else {
        return bad("expected ',' or ']'");
      }
    }
  }
  bool object(std::string& out, size_t depth) {
    ++i_;
    std::vector<std::pair<std::string, std::string>> members;
    std::unordered_map<std::string, size_t> index;
    ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      out += "{}";
      return true;
    }
    while (true) {
      ws();
      if (i_ >= s_.size() || s_[i_] != '"') return bad("expected an object key");
      std::string key;
      if (!string(key)) return false;
      ws();
      if (i_ >= s_.size() || s_[i_] != ':') return bad("expected ':'");
      ++i_;
      std::string v;
      if (!value(v, depth + 1)) return false;
      // Ruby's Hash: a repeated key keeps its first position and takes the last value.
      auto [it, inserted] = index.emplace(key, members.size());
      if (inserted)
        members.emplace_back(std::move(key), std::move(v));
      else
        members[it->second].second = std::move(v);
      ws();
      if (i_ >= s_.size()) return bad("unexpected end of JSON");
      if (s_[i_] == ',') {
        ++i_;
      } else if (s_[i_] == '}') {
        ++i_;
        break;
      } else {
        return bad("expected ',' or '}'");
      }
    }
    out += '{';
    for (size_t k = 0; k < members.size(); ++k) {
      if (k) out += ',';
      out += '"';
      json_escape_append(out, members[k].first);
      out += "\":";
      out += members[k].second;
    }
    out += '}';
    return true;
  }
  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  bool hex4(uint32_t* v) {
    if (i_ + 4 > s_.size()) return bad("invalid \\u escape");
    uint32_t r = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_ + k];
      r <<= 4;
      if (c >= '0' && c <= '9')
        r |= c - '0';
      else if (c >= 'a' && c <= 'f')
        r |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        r |= c - 'A' + 10;
      else
        return bad("invalid \\u escape");
    }
    i_ += 4;
    *v = r;
    return true;
  }
  bool string(std::string& out) {
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return bad("control character inside a JSON string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' &&
              s_[i_ + 1] == 'u') {
            size_t save = i_;
            i_ += 2;
            uint32_t lo;
            if (hex4(&lo) && lo >= 0xDC00 && lo < 0xE000)
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else
              i_ = save;
          }
          utf8(out, cp);
          break;
        }
        default:
          return bad(std::string("invalid escape '\\") + e + "'");
      }
    }
    return bad("unterminated JSON string");
  }
  bool number(std::string& out) {
    size_t b = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    size_t digits = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == digits) return bad("invalid value");
    if (s_[digits] == '0' && i_ - digits > 1) return bad("leading zero in a number");
    bool is_float = false;
    if (i_ < s_.size() && s_[i_] == '.') {
      is_float = true;
      ++i_;
      size_t f = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == f) return bad("invalid number");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      is_float = true;
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      size_t f = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == f) return bad("invalid number");
    }
    std::string_view text = s_.substr(b, i_ - b);
    if (is_float) {
      out += ruby_float_to_s(std::strtod(std::string(text).c_str(), nullptr));
    } else if (text == "-0") {
      out += '0';
    } else {
      out += text;
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

void json_escape_append(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

std::string ruby_float_to_s(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  int exp10 = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t k = 0; k < e; ++k)
    if (sci[k] != '.') digits += sci[k];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int decpt = exp10 + 1;
  std::string out = sign;
  if (decpt > 0 && decpt <= 16) {
    if (static_cast<int>(digits.size()) <= decpt) {
      out += digits + std::string(decpt - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, decpt) + "." + digits.substr(decpt);
    }
  } else if (decpt <= 0 && decpt > -4) {
    out += "0." + std::string(-decpt, '0') + digits;
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "e";
    char eb[16];
    std::snprintf(eb, sizeof eb, "%+03d", decpt - 1);
    out += eb;
  }
  return out;
}

bool json_compact(std::string_view json, std::string* out, std::string* error) {
  out->clear();
  return Compactor(json).run(out, error);
}

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
      json_escape_append(escaped, embed(text.substr(i + 2, *len), i + 2));
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
