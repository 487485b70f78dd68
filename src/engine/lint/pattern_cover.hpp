#pragma once
// Static analysis of Fluentd tag patterns (`<match a.** {b,c}.*>`): does one list of patterns
// match every tag another list matches? Used by the linter to find <match> and <filter>
// directives that can never see an event. Patterns are compiled the way Fluentd's
// GlobMatchPattern compiles them (`*`, `**`, `{a,b}`, `\c`, literals) into automata, and inclusion
// is decided exactly; `/regex/` patterns are opaque, so nothing is claimed about them.
#include <optional>
#include <string>
#include <vector>

namespace shipper::lint {

// The patterns of a <match>/<filter> argument: split on whitespace; an empty argument is `**`.
std::vector<std::string> split_patterns(const std::string& arg);

// Fluentd's error for a pattern that cannot be compiled (`/abc` without a closing slash).
std::optional<std::string> pattern_error(const std::string& pattern);

// True only when it is certain that every tag matched by some pattern of `inner` is also matched
// by some pattern of `outer`. False when it is not, or when that cannot be decided (regexes).
bool patterns_cover(const std::vector<std::string>& outer, const std::vector<std::string>& inner);

// True when `tag` matches `pattern` (for tests of the compiler itself).
bool pattern_matches(const std::string& pattern, const std::string& tag);

}  // namespace shipper::lint
