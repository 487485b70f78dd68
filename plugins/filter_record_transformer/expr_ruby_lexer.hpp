#pragma once
// The lexical layer of the Ruby-subset compiler: a cursor over the expression text that skips
// white space and reads the words, numbers and single-quoted strings the grammar is made of.
// The grammar is small enough to read straight from the text (no token list): the parser asks
// for what it expects next, and offsets stay byte offsets into the source for error messages.
#include <cstddef>
#include <string>
#include <string_view>

#include "plugins/filter_record_transformer/expr.hpp"

namespace shipper::filter_record_transformer {

class RubyLexer {
 public:
  explicit RubyLexer(std::string_view src) : src_(src) {}

  std::string_view source() const { return src_; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }
  void advance(size_t n = 1) { pos_ += n; }

  // Whether there is a character `k` places ahead of the cursor, and which.
  bool has(size_t k = 0) const { return pos_ + k < src_.size(); }
  char ahead(size_t k = 0) const { return src_[pos_ + k]; }
  bool at_end() const { return !has(0); }
  // True (and steps over it) when the character under the cursor is `c`; white space is not
  // skipped, so `a ?b` and `a? b` stay distinguishable.
  bool accept(char c);
  // True when the text at the cursor starts with `s` (no white space skipped).
  bool looking_at(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }

  void skip_ws();
  // Skips white space; then steps over `s` when it comes next.
  bool eat(std::string_view s);
  // Skips white space; then whether `s` comes next.
  bool peek(std::string_view s);
  // An identifier, with a trailing `?` or `!` as Ruby method names have (`nil?`), but not the
  // `!` of `!=`. Empty when no identifier starts here.
  std::string ident();
  // Up to 20 characters from the cursor to the next white space: names the part an error is
  // about.
  std::string_view rest_word() const;
  // The '}' closing an interpolation opened before `from`, skipping nested braces and strings;
  // npos when there is none.
  size_t matching_brace(size_t from) const;

  // Whether a numeric literal (digits, or '-' and a digit) starts at the cursor; number() reads
  // it as Integer, or Float when it has a fraction. `_` separates digits as in Ruby.
  bool at_number() const;
  Val number();
  // A single-quoted string; the cursor is on the opening quote. Only \' and \\ are escapes, as
  // in Ruby. False when the text ends before the closing quote (the cursor is then at the end).
  bool single_quoted(std::string& out);
  // The character a backslash escape stands for in a double-quoted string (`n` → newline); an
  // unknown escape is the character itself, as Ruby does.
  static char double_quoted_escape(char c);

 private:
  std::string_view src_;
  size_t pos_ = 0;
};

}  // namespace shipper::filter_record_transformer
