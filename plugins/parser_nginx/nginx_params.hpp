#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_nginx {

inline constexpr const char* kNginxExpression =
    "^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +"
    "(?<path>[^\\\"]*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)(?: \"(?<referer>[^\\\"]*)\" "
    "\"(?<agent>[^\\\"]*)\"(?:\\s+(?<http_x_forwarded_for>[^ ]+))?)?$";

struct Params : ParserCommonParams {
  config::RegexpValue expression{kNginxExpression, false, false};
  Params() {
    time_key = "time";
    time_format = "%d/%b/%Y:%H:%M:%S %z";
  }
  static void describe(config::Schema<Params>& s) {
    s.param("expression", &Params::expression).help("the nginx combined-log regexp");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
      parser_detail::validate_named_groups(p.expression, e, ctx, "expression");
    });
  }
};

}  // namespace shipper::parser_nginx
