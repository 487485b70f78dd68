#pragma once
// A record from the named groups of a regexp match: shared by the regexp, nginx, apache and
// multiline parsers.
#include <string_view>
#include <vector>

#include "core/ruby_regex.hpp"
#include "engine/parser_base.hpp"

namespace shipper {

// Matches `text` (unanchored) and writes the groups that took part as the record, in pattern
// order; the time group goes to `time`. On no match / error nothing is left in `w`.
ParseResult parse_with_regex(const RubyRegex& re, const ParserCore& core, std::string_view text,
                             EventTime& time, MsgpackWriter& w,
                             std::vector<re2::StringPiece>& groups);

// Writes the groups of an existing match (groups[i] as filled by RubyRegex::match).
ParseResult write_regex_record(const RubyRegex& re, const ParserCore& core,
                               const std::vector<re2::StringPiece>& groups, EventTime& time,
                               MsgpackWriter& w);

}  // namespace shipper
