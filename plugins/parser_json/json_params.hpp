#pragma once
#include "engine/parser_params.hpp"

namespace shipper::parser_json {

struct Params : ParserCommonParams {
  std::string json_parser = "oj";
  int64_t stream_buffer_size = 8192;
  bool merge_docker_partial = false;
  Params() {
    time_key = "time";
    time_type = "float";
  }
  static void describe(config::Schema<Params>& s) {
    s.param("json_parser", &Params::json_parser)
        .one_of({"oj", "yajl", "json"})
        .help("accepted for compatibility; one JSON engine is used for all");
    s.param("stream_buffer_size", &Params::stream_buffer_size)
        .help("accepted for compatibility (stream APIs only)");
    s.param("merge_docker_partial", &Params::merge_docker_partial)
        .help(
            "in_tail: join docker json-file lines split at 16 KiB (a `log` value without a "
            "trailing newline) into one record");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, true);
    });
  }
};

}  // namespace shipper::parser_json
