#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_none {

struct Params : ParserCommonParams {
  std::string message_key = "message";
  static void describe(config::Schema<Params>& s) {
    s.param("message_key", &Params::message_key).help("the key the whole line is stored under");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_none
