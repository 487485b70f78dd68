#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_msgpack {

struct Params : ParserCommonParams {
  static void describe(config::Schema<Params>& s) {
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_msgpack
