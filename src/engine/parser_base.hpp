#pragma once
// What every parser shares at run time: the time field (time_key, keep_time_key,
// estimate_current_event, the TimeParser), the value post-processing (null_value_pattern,
// null_empty_string, types) and a msgpack map writer whose entry count is fixed at the end.
// Parsers write records straight into the caller's buffer through these; nothing is built
// in between.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/msgpack_writer.hpp"
#include "core/ruby_regex.hpp"
#include "core/time_parser.hpp"
#include "engine/parser_params.hpp"
#include "engine/plugin.hpp"

namespace shipper {

// A msgpack map written in place: the header byte is reserved first and fixed by finish()
// (growing it to map16/map32 when there are more than 15 entries).
class MapBuilder {
 public:
  explicit MapBuilder(MsgpackWriter& w) : w_(w), header_(w.size()) { w.buffer().push_back('\x80'); }
  MsgpackWriter& writer() { return w_; }
  // Writes a key; the caller then writes exactly one value.
  void key(std::string_view k) {
    w_.str(k);
    ++count_;
  }
  uint32_t count() const { return count_; }
  // Appends `n` pairs already encoded.
  void add_pairs(std::string_view encoded, uint32_t n) {
    w_.raw(encoded);
    count_ += n;
  }
  void finish();

 private:
  MsgpackWriter& w_;
  size_t header_;
  uint32_t count_ = 0;
};

// A scalar as a parser found it, before `types` conversion.
struct ScalarValue {
  enum class Kind { kString, kInteger, kUnsigned, kDouble, kBool, kNil };
  Kind kind = Kind::kNil;
  std::string_view str;  // kString; also the source text of numbers when known
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  bool b = false;

  static ScalarValue string(std::string_view s) { return {Kind::kString, s}; }
  static ScalarValue integer(int64_t v) { return {Kind::kInteger, {}, v}; }
  static ScalarValue unsigned_integer(uint64_t v) { return {Kind::kUnsigned, {}, 0, v}; }
  static ScalarValue floating(double v) { return {Kind::kDouble, {}, 0, 0, v}; }
  static ScalarValue boolean(bool v) { return {Kind::kBool, {}, 0, 0, 0, v}; }
  static ScalarValue nil() { return {}; }
  // Ruby's to_s of the value.
  std::string to_s() const;
};

// One `types` entry: field name → conversion.
struct FieldRule {
  enum class Type { kString, kInteger, kFloat, kBool, kTime, kArray };
  std::string key;
  Type type = Type::kString;
  std::string array_delimiter = ",";
  std::optional<TimeParser> time_parser;  // kTime
};

// Parses a `types` value into rules; false with `error` (Fluentd's text) on an unknown type.
bool parse_field_rules(const config::HashValue& types, std::vector<FieldRule>& out,
                       std::string* error);

class ParserCore {
 public:
  ParserCore() = default;
  explicit ParserCore(const ParserCommonParams& p);

  const std::optional<std::string>& time_key() const { return time_key_; }
  bool is_time_key(std::string_view k) const { return time_key_ && k == *time_key_; }
  bool keep_time_key() const { return keep_time_key_; }
  bool estimate_current_event() const { return estimate_current_event_; }
  const TimeParser& time_parser() const { return *time_parser_; }

  // Whether any value post-processing is configured (types / null_value_pattern /
  // null_empty_string); when not, parsers write values as they are.
  bool processes_values() const { return processes_values_; }
  const FieldRule* rule_for(std::string_view key) const;
  // True when the string value becomes null (null_value_pattern / null_empty_string).
  bool nulls(std::string_view s) const;
  // Writes a value with the null checks and `types` applied.
  void write_value(MsgpackWriter& w, std::string_view key, const ScalarValue& v) const;

  // Reads the time field's value into `time`; false with Fluentd's error text.
  bool parse_time(const ScalarValue& v, EventTime& time, std::string* error) const;
  // The outcome when parsing has produced a record: `has_time` says whether a time field was
  // found. Without one the event gets the current time, or (estimate_current_event false) the
  // line counts as not matched.
  ParseResult finish(bool has_time) const;

 private:
  std::optional<std::string> time_key_;
  bool keep_time_key_ = false;
  bool estimate_current_event_ = true;
  std::optional<TimeParser> time_parser_;
  bool processes_values_ = false;
  std::vector<FieldRule> rules_;
  std::optional<RubyRegex> null_pattern_;
  bool null_empty_string_ = false;
};

// The results a parser reports.
inline ParseResult parse_ok(bool has_time) {
  ParseResult r;
  r.has_time = has_time;
  return r;
}
inline ParseResult not_matched(std::string message = {}) {
  ParseResult r;
  r.code = ParseResult::Code::kNotMatched;
  r.error = std::move(message);
  return r;
}
// An exception in Fluentd's terms (bad time value, malformed CSV): the line is dropped with
// "invalid line found".
inline ParseResult parse_error(std::string message) {
  ParseResult r;
  r.code = ParseResult::Code::kInvalidTime;
  r.error = std::move(message);
  return r;
}

}  // namespace shipper

namespace shipper {

// A field of a text record: its value, or nullopt for null.
struct TextField {
  std::string_view key;
  std::optional<std::string_view> value;
};

// Writes fields as the record with Ruby hash semantics (a repeated key keeps its first position
// and takes the last value), the time field consumed into `time`, values post-processed. On an
// error nothing is left in `w`.
ParseResult write_text_record(const ParserCore& core, std::vector<TextField>& fields,
                              EventTime& time, MsgpackWriter& w);

}  // namespace shipper
