#pragma once
// filter_parser's parameters, as Fluentd declares them (spec §5.2).
#include <optional>
#include <string>

#include "config/schema.hpp"

namespace shipper::filter_parser {

struct Params {
  std::string key_name;
  bool reserve_data = false;
  bool reserve_time = false;
  bool remove_key_name_field = false;
  bool replace_invalid_sequence = false;
  std::optional<std::string> inject_key_prefix;
  std::optional<std::string> hash_value_field;
  bool emit_invalid_record_to_error = true;
  config::PluginSection parse;

  static void describe(config::Schema<Params>& s) {
    s.param("key_name", &Params::key_name)
        .required()
        .help("record accessor path of the field to parse");
    s.param("reserve_data", &Params::reserve_data)
        .help("keep the original fields beside the parsed ones");
    s.param("reserve_time", &Params::reserve_time).help("keep the original event time");
    s.param("remove_key_name_field", &Params::remove_key_name_field)
        .help("delete the parsed field when parsing succeeded (with reserve_data)");
    s.param("replace_invalid_sequence", &Params::replace_invalid_sequence)
        .help("replace invalid UTF-8 with '?' and parse again");
    s.param("inject_key_prefix", &Params::inject_key_prefix).help("prefix for the parsed keys");
    s.param("hash_value_field", &Params::hash_value_field)
        .help("put the parsed keys under this field instead of at the top level");
    s.param("emit_invalid_record_to_error", &Params::emit_invalid_record_to_error)
        .help("send records that fail to parse to @ERROR");
    s.plugin_section("parse", &Params::parse, config::PluginKind::kParser)
        .required()
        .help("the parser applied to the field");
  }
};

}  // namespace shipper::filter_parser
