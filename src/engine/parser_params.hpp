#pragma once
// The parameters every Fluentd parser plugin accepts (Fluentd's Parser base class and its
// TimeParser mixin). Each parser's Params derives from ParserCommonParams, sets its own defaults
// in its constructor (json: time_type float, cri: keep_time_key true, …) and calls
// describe_parser_common() from its describe().
#include <optional>
#include <string>

#include "config/schema.hpp"

namespace shipper {

struct ParserCommonParams {
  std::optional<config::HashValue> types;
  std::optional<std::string> time_key;
  bool keep_time_key = false;
  bool estimate_current_event = true;
  std::optional<config::RegexpValue> null_value_pattern;
  bool null_empty_string = false;
  std::optional<config::Duration> timeout;
  std::string time_type = "string";
  std::optional<std::string> time_format;
  config::ArrayValue time_format_fallbacks;
  bool localtime = true;
  bool utc = false;
  std::optional<std::string> timezone;
};

namespace parser_detail {
template <class T, class M>
M T::*as_member(M ParserCommonParams::*m) {
  return static_cast<M T::*>(m);
}
// Checks shared by every parser (also run by the linter): localtime/utc, timezone, types.
void validate_common(const ParserCommonParams& p, const config::Element& e,
                     config::BindContext& ctx, bool time_format_is_json_default);
// A regexp parameter must compile on RE2 and have at least one named group.
void validate_named_groups(const config::RegexpValue& re, const config::Element& e,
                           config::BindContext& ctx, const std::string& param);
}  // namespace parser_detail

// Declares the common parameters on a parser's schema. T must derive from ParserCommonParams.
template <class T>
void describe_parser_common(config::Schema<T>& s) {
  using parser_detail::as_member;
  using P = ParserCommonParams;
  s.param("types", as_member<T>(&P::types))
      .help(
          "convert fields after parsing: name:type[:option],… (string, integer, float, bool, "
          "time, array)");
  s.param("time_key", as_member<T>(&P::time_key)).help("the field that holds the event time");
  s.param("keep_time_key", as_member<T>(&P::keep_time_key))
      .help("keep the time field in the record");
  s.param("estimate_current_event", as_member<T>(&P::estimate_current_event))
      .help("use the current time when the record has no time field");
  s.param("null_value_pattern", as_member<T>(&P::null_value_pattern))
      .help("string values matching this regexp (anywhere) become null");
  s.param("null_empty_string", as_member<T>(&P::null_empty_string))
      .help("empty string values become null");
  s.param("timeout", as_member<T>(&P::timeout)).help("parse time limit (accepted; not enforced)");
  s.param("time_type", as_member<T>(&P::time_type))
      .one_of({"float", "unixtime", "string", "mixed"})
      .help("how the time field is read");
  s.param("time_format", as_member<T>(&P::time_format))
      .help("strptime format of the time field, or %iso8601");
  s.param("time_format_fallbacks", as_member<T>(&P::time_format_fallbacks))
      .help("more formats to try in order (time_type mixed only)");
  s.param("localtime", as_member<T>(&P::localtime))
      .help("read zone-less times in the process's local time");
  s.param("utc", as_member<T>(&P::utc)).help("read zone-less times as UTC");
  s.param("timezone", as_member<T>(&P::timezone))
      .help("read zone-less times in this zone: +09:00, +0900 or Region/City");
}

}  // namespace shipper
