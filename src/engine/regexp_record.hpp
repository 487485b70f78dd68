#pragma once
// Records from the named groups of a regexp match: the part the regexp-based parsers (regexp,
// nginx, apache2, syslog, multiline) share, so that each parser keeps only what differs: its
// pattern, and for syslog and apache2 how some groups become fields.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ruby_regex.hpp"
#include "engine/parser_base.hpp"

namespace shipper {

// The text of the group called `name` in a match (groups as filled by RubyRegex::match); nullopt
// when the pattern has no such group or the group did not take part in the match.
std::optional<std::string_view> named_group(const RubyRegex& re,
                                            const std::vector<re2::StringPiece>& groups,
                                            std::string_view name);

// What write_regex_record does with one group that took part in the match.
enum class GroupRole {
  kField,    // a record field, written through ParserCore (types, null_value_pattern, …)
  kTime,     // the event time; also a field when keep_time_key is set
  kSkip,     // left out of the record
  kWritten,  // the caller already wrote the key and its value into the map
};

// Writes the groups of an existing match as one record, in pattern order. `role(name, value,
// map)` decides each group's GroupRole and may shorten `value` first (syslog drops a message's
// trailing newline). On an invalid time, or when ParserCore::finish rejects the record, nothing
// is left in `w`.
template <class RoleFn>
ParseResult write_regex_record(const RubyRegex& re, const ParserCore& core,
                               const std::vector<re2::StringPiece>& groups, EventTime& time,
                               MsgpackWriter& w, RoleFn&& role) {
  size_t mark = w.size();
  MapBuilder map(w);
  bool has_time = false;
  for (const auto& [name, index] : re.named_groups()) {
    const re2::StringPiece& g = groups[index];
    if (g.data() == nullptr) continue;  // the group did not take part in the match
    std::string_view value(g.data(), g.size());
    switch (role(name, value, map)) {
      case GroupRole::kSkip:
      case GroupRole::kWritten:
        continue;
      case GroupRole::kTime: {
        std::string err;
        if (!core.parse_time(ScalarValue::string(value), time, &err)) {
          w.buffer().resize(mark);
          return parse_error(err);
        }
        has_time = true;
        if (!core.keep_time_key()) continue;
        break;
      }
      case GroupRole::kField:
        break;
    }
    map.key(name);
    core.write_value(w, name, ScalarValue::string(value));
  }
  map.finish();
  ParseResult r = core.finish(has_time);
  if (r.code != ParseResult::Code::kOk) w.buffer().resize(mark);
  return r;
}

// The plain record: every group is a field, the time_key group is the time.
ParseResult write_regex_record(const RubyRegex& re, const ParserCore& core,
                               const std::vector<re2::StringPiece>& groups, EventTime& time,
                               MsgpackWriter& w);

// Matches `text` (unanchored) and writes the plain record. On no match / error nothing is left in
// `w`.
ParseResult parse_with_regex(const RubyRegex& re, const ParserCore& core, std::string_view text,
                             EventTime& time, MsgpackWriter& w,
                             std::vector<re2::StringPiece>& groups);

// A parser built on one regexp: the ParserCore, the compiled pattern, and the group buffer that
// is reused from line to line. The record is the plain one (parser_regexp, parser_nginx,
// parser_multiline) unless a parser overrides parse() with its own layout (parser_apache2).
class RegexpRecordParser : public Parser {
 public:
  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    return parse_with_regex(re_, core_, text, time, w, groups_);
  }

 protected:
  RegexpRecordParser(const ParserCommonParams& common, std::string_view pattern,
                     RubyRegexOptions options)
      : core_(common), re_(pattern, options) {}

  // A group of the last match (see named_group).
  std::optional<std::string_view> group(std::string_view name) const {
    return named_group(re_, groups_, name);
  }

  ParserCore core_;
  RubyRegex re_;
  std::vector<re2::StringPiece> groups_;
};

}  // namespace shipper
