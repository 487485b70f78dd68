#include "engine/regexp_record.hpp"

namespace shipper {

ParseResult write_regex_record(const RubyRegex& re, const ParserCore& core,
                               const std::vector<re2::StringPiece>& groups, EventTime& time,
                               MsgpackWriter& w) {
  size_t mark = w.size();
  MapBuilder map(w);
  bool has_time = false;
  for (const auto& [name, index] : re.named_groups()) {
    const re2::StringPiece& g = groups[index];
    if (g.data() == nullptr) continue;  // the group did not take part in the match
    ScalarValue v = ScalarValue::string(std::string_view(g.data(), g.size()));
    if (core.is_time_key(name)) {
      std::string err;
      if (!core.parse_time(v, time, &err)) {
        w.buffer().resize(mark);
        return parse_error(err);
      }
      has_time = true;
      if (!core.keep_time_key()) continue;
    }
    map.key(name);
    core.write_value(w, name, v);
  }
  map.finish();
  ParseResult r = core.finish(has_time);
  if (r.code != ParseResult::Code::kOk) w.buffer().resize(mark);
  return r;
}

ParseResult parse_with_regex(const RubyRegex& re, const ParserCore& core, std::string_view text,
                             EventTime& time, MsgpackWriter& w,
                             std::vector<re2::StringPiece>& groups) {
  if (!re.ok() || !re.match(text, groups)) return not_matched();
  return write_regex_record(re, core, groups, time, w);
}

}  // namespace shipper
