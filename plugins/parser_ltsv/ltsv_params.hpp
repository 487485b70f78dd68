#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_ltsv {

struct Params : ParserCommonParams {
  std::string delimiter = "\t";
  std::optional<config::RegexpValue> delimiter_pattern;
  std::string label_delimiter = ":";
  Params() { time_key = "time"; }
  static void describe(config::Schema<Params>& s) {
    s.param("delimiter", &Params::delimiter).help("separator between fields");
    s.param("delimiter_pattern", &Params::delimiter_pattern)
        .help("regexp separator between fields (instead of delimiter)");
    s.param("label_delimiter", &Params::label_delimiter).help("separator between label and value");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_ltsv
