#pragma once
// Ruby (Onigmo) regexps on RE2: `(?<name>…)` becomes `(?P<name>…)`, `\h`/`\H` become hex
// classes, `\Z` becomes `\n?\z`; `^`/`$` are line anchors as in Ruby (RE2 multi-line mode); the
// `m` flag means dot-matches-newline and `i` ignores case. Lines are bytes (Latin-1 mode), as
// Fluentd's binary lines are. Lookbehind, atomic groups, possessive quantifiers and
// backreferences have no RE2 equivalent: compiling them fails with RE2's message.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

namespace shipper {

struct RubyRegexOptions {
  bool ignore_case = false;
  bool multiline = false;  // Ruby's m: dot matches newline
  bool utf8 = false;       // match code points instead of bytes
};

// The RE2 source for a Ruby pattern (without flags).
std::string ruby_to_re2_pattern(std::string_view ruby);

class RubyRegex {
 public:
  RubyRegex() = default;
  RubyRegex(std::string_view ruby_pattern, RubyRegexOptions options);
  bool ok() const { return re_ && re_->ok(); }
  std::string error() const { return re_ ? re_->error() : "not compiled"; }
  const RE2& re2() const { return *re_; }
  // Named groups in the order they appear in the pattern: (name, group index).
  const std::vector<std::pair<std::string, int>>& named_groups() const { return names_; }
  int group_count() const { return re_ ? re_->NumberOfCapturingGroups() : 0; }
  // Unanchored search; true when found anywhere in `text`.
  bool search(std::string_view text) const;
  // Unanchored search filling groups[0..n] (groups[0] = whole match); a group that did not
  // participate has data() == nullptr.
  bool match(std::string_view text, std::vector<re2::StringPiece>& groups) const;

 private:
  std::shared_ptr<RE2> re_;
  std::vector<std::pair<std::string, int>> names_;
};

}  // namespace shipper
