#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_regexp {

struct Params : ParserCommonParams {
  config::RegexpValue expression;
  bool ignorecase = false;
  bool multiline = false;
  Params() { time_key = "time"; }
  static void describe(config::Schema<Params>& s) {
    s.param("expression", &Params::expression)
        .required()
        .help("Ruby regexp with named groups: /^(?<host>\\S+) (?<msg>.*)$/");
    s.param("ignorecase", &Params::ignorecase)
        .deprecated("use /pattern/i instead")
        .help("same as the i flag");
    s.param("multiline", &Params::multiline)
        .deprecated("use /pattern/m instead")
        .help("same as the m flag");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
      parser_detail::validate_named_groups(p.expression, e, ctx, "expression");
    });
  }
};

}  // namespace shipper::parser_regexp
