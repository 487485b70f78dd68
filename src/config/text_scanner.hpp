#pragma once
// The lexical half of the fluent.conf (v1) parser: a cursor over the file's text that reads
// spacing, comments, line ends and values (unquoted, '…', "…" with #{…}, JSON) the way Fluentd's
// scanner regexes do, and reports errors at file:line:column. The grammar (sections, parameters,
// @include) is TextParser in text_parser.cpp, built on this. Internal to src/config.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/element.hpp"
#include "config/embedded_ruby.hpp"
#include "config/location.hpp"
#include "config/text_parser.hpp"

namespace shipper::config {

// Thrown by ConfigScanner::fail after the error is recorded: a syntax error ends the whole parse
// (Fluentd's parser raises too), and unwinding is simpler than checking every scanner call.
struct ParseAbort {};

class ConfigScanner {
 public:
  ConfigScanner(std::string_view text, std::string file, TextParseContext& ctx);

 protected:
  // --- positions and errors ---------------------------------------------------------------
  Location loc(size_t offset) const;
  [[noreturn]] void fail(size_t offset, std::string code, std::string message, std::string hint);

  // --- scanner primitives (Fluentd's regexes, by hand) ------------------------------------
  bool eof() const { return pos_ >= s_.size(); }
  char at(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  static bool space_char(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  size_t skip_blanks(size_t p) const {
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p;
  }

  void check_utf8();
  void spacing();
  bool spacing_without_comment();
  size_t line_end_at(size_t p) const;
  bool line_end();
  bool arg_boundary_at(size_t p) const;

  // Where an unquoted value ends: at a line end (parameters), at spacing, or at the '>' closing a
  // section argument.
  enum class Boundary { kLineEnd, kSpacing, kArg };
  bool at_boundary(size_t p, Boundary b) const;

  // --- values -----------------------------------------------------------------------------
  struct Scanned {
    std::string text;
    ValueForm form = ValueForm::kUnquoted;
    bool is_nil = false;
    bool use_default = false;
  };
  std::string scan_nonquoted(Boundary b);
  Scanned scan_string(Boundary b);
  void scan_double_quoted(Scanned& r);
  std::string scan_single_quoted();
  RubyResult eval_code(std::string_view code, size_t code_offset, size_t string_offset);
  Scanned scan_json();
  Scanned parse_literal();
  std::string scan_name();

  std::string_view s_;
  std::string file_;
  TextParseContext& ctx_;
  std::vector<size_t> line_starts_;
  size_t pos_ = 0;
};

}  // namespace shipper::config
