// json_compact: a JSON value from fluent.conf written back compactly as Ruby's JSON.dump does
// (the scanning that finds where such a value ends is in json_literal.cpp).
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/json_literal.hpp"
#include "core/json_escape.hpp"
#include "core/record_json.hpp"

namespace shipper::config {

namespace {

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
    if (depth > kJsonMaxNesting) return bad("nested deeper than 100 levels");
    ws();
    if (i_ >= s_.size()) return bad("unexpected end of JSON");
    char c = s_[i_];
    if (c == '[') return array(out, depth);
    if (c == '{') return object(out, depth);
    if (c == '"') {
      std::string str;
      if (!string(str)) return false;
      out += '"';
      append_json_escaped(str, out);
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
      append_json_escaped(members[k].first, out);
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

std::string ruby_float_to_s(double v) {
  std::string out;
  append_ruby_float(v, out);  // the one Float#to_s, shared with record output
  return out;
}

bool json_compact(std::string_view json, std::string* out, std::string* error) {
  out->clear();
  return Compactor(json).run(out, error);
}

}  // namespace shipper::config
