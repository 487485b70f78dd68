#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_csv {

struct Params : ParserCommonParams {
  config::ArrayValue keys;
  std::string delimiter = ",";
  std::string parser_engine = "normal";
  static void describe(config::Schema<Params>& s) {
    s.param("keys", &Params::keys).required().help("names of the columns, in order");
    s.param("delimiter", &Params::delimiter).help("column separator");
    s.param("parser_engine", &Params::parser_engine)
        .alias("parser_type")
        .one_of({"normal", "fast"})
        .help("normal: RFC 4180 quoting; fast: the same parser (accepted for compatibility)");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_csv
