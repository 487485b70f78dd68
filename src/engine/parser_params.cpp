#include "engine/parser_params.hpp"

#include "core/ruby_regex.hpp"
#include "core/time_zone.hpp"
#include "engine/parser_base.hpp"

namespace shipper::parser_detail {

void validate_common(const ParserCommonParams& p, const config::Element& e,
                     config::BindContext& ctx, bool) {
  auto fail = [&](std::string msg, std::string hint = {}) {
    if (ctx.diags)
      ctx.diags->error(e.loc, "invalid-value", config::in_section(ctx, std::move(msg)),
                       std::move(hint));
  };
  if (e.find("localtime") && e.find("utc") && p.localtime && p.utc)
    fail("both of utc and localtime are specified, use only one of them");
  if (p.timezone && !TimeZone::parse_fluentd(*p.timezone))
    fail("Unsupported timezone '" + *p.timezone + "'",
         "use +09:00, +0900 or a zone name such as Asia/Tokyo or Etc/UTC");
  if (p.types) {
    std::vector<FieldRule> rules;
    std::string err;
    if (!parse_field_rules(*p.types, rules, &err))
      fail(err, "types are string, integer, float, bool, time, array");
  }
  if (p.null_value_pattern) {
    RubyRegex re(p.null_value_pattern->source, {});
    if (!re.ok()) fail("invalid null_value_pattern: " + re.error());
  }
}

void validate_named_groups(const config::RegexpValue& re, const config::Element& e,
                           config::BindContext& ctx, const std::string& param) {
  RubyRegex r(re.source, {re.ignore_case, re.multiline, false});
  if (!r.ok()) {
    if (ctx.diags)
      ctx.diags->error(e.loc, "invalid-regexp",
                       config::in_section(ctx, "invalid regexp in " + param + ": " + r.error()),
                       "lookbehind, atomic groups and backreferences are not supported");
    return;
  }
  if (r.named_groups().empty() && ctx.diags)
    ctx.diags->error(
        e.loc, "invalid-regexp",
        config::in_section(ctx, "No named captures in " + param + ": /" + re.source + "/"),
        "name the fields: (?<name>…)");
}

}  // namespace shipper::parser_detail
