#include "engine/regexp_record.hpp"

namespace shipper {

std::optional<std::string_view> named_group(const RubyRegex& re,
                                            const std::vector<re2::StringPiece>& groups,
                                            std::string_view name) {
  for (const auto& [n, i] : re.named_groups()) {
    if (n != name) continue;
    if (groups[i].data() == nullptr) return std::nullopt;
    return std::string_view(groups[i].data(), groups[i].size());
  }
  return std::nullopt;
}

ParseResult write_regex_record(const RubyRegex& re, const ParserCore& core,
                               const std::vector<re2::StringPiece>& groups, EventTime& time,
                               MsgpackWriter& w) {
  return write_regex_record(re, core, groups, time, w,
                            [&](const std::string& name, std::string_view&, MapBuilder&) {
                              return core.is_time_key(name) ? GroupRole::kTime : GroupRole::kField;
                            });
}

ParseResult parse_with_regex(const RubyRegex& re, const ParserCore& core, std::string_view text,
                             EventTime& time, MsgpackWriter& w,
                             std::vector<re2::StringPiece>& groups) {
  if (!re.ok() || !re.match(text, groups)) return not_matched();
  return write_regex_record(re, core, groups, time, w);
}

}  // namespace shipper
