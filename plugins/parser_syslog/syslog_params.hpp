#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_syslog {

struct Params : ParserCommonParams {
  bool with_priority = false;
  std::string message_format = "rfc3164";
  std::optional<std::string> rfc5424_time_format{"%Y-%m-%dT%H:%M:%S.%L%z"};
  std::string parser_engine = "regexp";
  bool support_colonless_ident = true;
  Params() {
    time_key = "time";
    time_format = "%b %d %H:%M:%S";
  }
  static void describe(config::Schema<Params>& s) {
    s.param("with_priority", &Params::with_priority).help("lines start with <PRI>");
    s.param("message_format", &Params::message_format)
        .one_of({"rfc3164", "rfc5424", "auto"})
        .help("syslog line layout");
    s.param("rfc5424_time_format", &Params::rfc5424_time_format)
        .help("time format of RFC 5424 lines");
    s.param("parser_engine", &Params::parser_engine)
        .alias("parser_type")
        .one_of({"regexp", "string"})
        .help("accepted for compatibility; one hand-written parser is used");
    s.param("support_colonless_ident", &Params::support_colonless_ident)
        .help("accept an ident not followed by a colon");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_syslog
