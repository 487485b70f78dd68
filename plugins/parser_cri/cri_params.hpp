#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_cri {

struct Params : ParserCommonParams {
  bool merge_cri_fields = true;
  bool merge_cri_partial = false;
  config::PluginSection parse;
  Params() {
    time_key = "time";
    time_format = "%Y-%m-%dT%H:%M:%S.%L%z";
    keep_time_key = true;
  }
  static void describe(config::Schema<Params>& s) {
    s.param("merge_cri_fields", &Params::merge_cri_fields)
        .help("with a nested <parse>: add stream and logtag to the parsed record");
    s.param("merge_cri_partial", &Params::merge_cri_partial)
        .help("in_tail: join P (partial) lines with the following F line into one record");
    describe_parser_common(s);
    s.plugin_section("parse", &Params::parse, config::PluginKind::kParser)
        .help("parse the message with this parser");
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
    });
  }
};

}  // namespace shipper::parser_cri
