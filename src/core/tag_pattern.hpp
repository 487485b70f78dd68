#pragma once
// Fluentd's <match>/<filter> tag patterns (spec config-and-cli §3.1).
//   *        one tag part, possibly empty ([^.]*)
//   **       anything, including nothing; `a.**` matches `a` and `a.b.c`; `**.b` matches `b`
//   {a,b}    alternatives, which are full patterns and may nest
//   \c       the character c
//   /re/     an RE2 regex over the whole tag
// A directive's argument holds several patterns separated by whitespace (any may match); an
// empty argument means `**`.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace shipper {

class TagPattern {
 public:
  // Compiles one pattern (no whitespace inside). Error: "invalid match - regex" for a pattern
  // that starts with '/' but does not end with one, or an invalid regex.
  static Result<TagPattern> compile(std::string_view pattern);

  bool match(std::string_view tag) const;
  const std::string& text() const { return text_; }
  // The regex the glob was turned into (for tests and --describe style output).
  const std::string& regex_source() const { return regex_source_; }

 private:
  struct Impl;
  std::string text_;
  std::string regex_source_;
  bool match_all_ = false;
  std::shared_ptr<const Impl> impl_;
};

class MatchPattern {
 public:
  MatchPattern() = default;
  // Splits `arg` on whitespace and compiles each part; empty means `**`.
  static Result<MatchPattern> compile(std::string_view arg);

  bool match(std::string_view tag) const;
  const std::string& text() const { return text_; }  // as written, or "**" when empty
  const std::vector<TagPattern>& patterns() const { return patterns_; }

 private:
  std::string text_;
  std::vector<TagPattern> patterns_;
};

}  // namespace shipper
