#include "plugins/filter_record_transformer/expr_ruby_lexer.hpp"

#include <algorithm>
#include <cctype>

#include "plugins/filter_record_transformer/expr_value.hpp"

namespace shipper::filter_record_transformer {
namespace {

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c));
}

}  // namespace

bool RubyLexer::accept(char c) {
  if (!has() || ahead() != c) return false;
  ++pos_;
  return true;
}

void RubyLexer::skip_ws() {
  while (pos_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
}

bool RubyLexer::eat(std::string_view s) {
  skip_ws();
  if (src_.substr(pos_, s.size()) != s) return false;
  pos_ += s.size();
  return true;
}

bool RubyLexer::peek(std::string_view s) {
  skip_ws();
  return src_.substr(pos_, s.size()) == s;
}

std::string RubyLexer::ident() {
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

std::string_view RubyLexer::rest_word() const {
  size_t e = pos_;
  while (e < src_.size() && e - pos_ < 20 && !std::isspace(static_cast<unsigned char>(src_[e])))
    ++e;
  return src_.substr(pos_, std::max<size_t>(e - pos_, 1));
}

size_t RubyLexer::matching_brace(size_t from) const {
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

bool RubyLexer::at_number() const {
  if (!has()) return false;
  return is_digit(ahead()) || (ahead() == '-' && has(1) && is_digit(ahead(1)));
}

Val RubyLexer::number() {
  size_t b = pos_++;
  while (pos_ < src_.size() && (is_digit(src_[pos_]) || src_[pos_] == '_')) ++pos_;
  Val v;
  if (pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
    ++pos_;
    while (pos_ < src_.size() && is_digit(src_[pos_])) ++pos_;
    v.k = Val::K::kFloat, v.f = ruby_str_to_f(src_.substr(b, pos_ - b));
  } else {
    v.k = Val::K::kInt, v.i = ruby_str_to_i(src_.substr(b, pos_ - b));
  }
  return v;
}

bool RubyLexer::single_quoted(std::string& out) {
  ++pos_;
  while (pos_ < src_.size() && src_[pos_] != '\'') {
    if (src_[pos_] == '\\' && pos_ + 1 < src_.size() &&
        (src_[pos_ + 1] == '\'' || src_[pos_ + 1] == '\\'))
      ++pos_;
    out += src_[pos_++];
  }
  if (pos_ >= src_.size()) return false;
  ++pos_;
  return true;
}

char RubyLexer::double_quoted_escape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    case 'e':
      return '\x1b';
    case 's':
      return ' ';
    default:
      return c;
  }
}

}  // namespace shipper::filter_record_transformer
