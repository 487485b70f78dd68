#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_tsv {

struct Params : ParserCommonParams {
  config::ArrayValue keys;
  std::string delimiter = "\t";
  static void describe(config::Schema<Params>& s) {
    s.param("keys", &Params::keys).required().help("names of the columns, in order");
    s.param("delimiter", &Params::delimiter).help("column separator");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_tsv
