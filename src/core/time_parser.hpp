#pragma once
// Fluentd's TimeParser (spec §3.3): time_type string / float / unixtime / mixed, time_format in
// the strptime dialect or %iso8601, time_format_fallbacks, and the zone options localtime / utc /
// timezone. Converting a wall clock to epoch seconds goes through a one-entry cache, so lines of
// the same second pay for the zone arithmetic once.
//
// An instance is used by one thread at a time (the cache is not synchronised); give each reading
// thread its own parser.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "core/ruby_numeric.hpp"

#include "core/event_time.hpp"
#include "core/strptime.hpp"
#include "core/time_zone.hpp"

namespace shipper {

struct TimeParserConfig {
  std::string time_type = "string";  // string, float, unixtime, mixed
  std::optional<std::string> time_format;
  std::vector<std::string> time_format_fallbacks;
  bool localtime = true;
  bool utc = false;
  std::optional<std::string> timezone;
};

class TimeParser {
 public:
  // Builds a parser; nullopt with `error` set when the configuration is invalid (Fluentd's
  // ConfigError texts: "Unsupported timezone '…'", …).
  static std::optional<TimeParser> create(const TimeParserConfig& config, std::string* error);

  // A string value. On failure returns false and sets `error` to Fluentd's message
  // ("invalid time format: value = …, error_class = ArgumentError, error = …").
  bool parse(std::string_view value, EventTime& out, std::string* error) const;
  // Numeric values (from JSON, msgpack): integer and double. String time types reject them
  // ("value must be string: …"); numeric types read them as Ruby's to_s would print them.
  bool parse_integer(int64_t value, EventTime& out, std::string* error) const;
  bool parse_double(double value, EventTime& out, std::string* error) const;

  const std::string& time_type() const { return type_; }

 private:
  struct Format {
    enum class Kind { kStrptime, kIso8601, kLenient, kUnixtime, kFloat } kind;
    timefmt::Strptime strptime;
    // The container-log formats (`%Y-%m-%dT%H:%M:%S.%N%z`, `…%NZ`) have a fast path; which
    // one is decided once here, not by comparing the format text for every line.
    enum class Iso { kNone, kNanoOffset, kNanoZ } iso = Iso::kNone;
  };
  bool parse_with(const Format& f, std::string_view value, EventTime& out, std::string* why) const;
  bool parse_strptime(const Format& f, std::string_view v, EventTime& out) const;
  bool parse_strptime_general(const timefmt::Strptime& f, std::string_view v, EventTime& out) const;
  bool parse_iso8601(std::string_view v, EventTime& out) const;
  bool parse_lenient(std::string_view v, EventTime& out) const;
  // Epoch seconds of broken-down fields in the interpretation zone (or their own offset).
  int64_t to_epoch(timefmt::BrokenTime& t, bool zone_from_input) const;
  int64_t local_wall_to_epoch(int64_t wall, const TimeZone& zone) const;
  int64_t current_year(const TimeZone& zone) const;

  std::string type_ = "string";
  bool mixed_ = false;           // type_ == "mixed"
  std::vector<Format> formats_;  // the format, then fallbacks (mixed)
  TimeZone zone_ = TimeZone::local();
  // one-entry cache of wall clock → epoch (zone conversion), per second
  mutable int64_t cached_wall_ = INT64_MIN;
  mutable int64_t cached_epoch_ = 0;
  // one-entry cache of the fixed ISO prefix "YYYY-MM-DDTHH:MM:SS" → its wall seconds: container
  // logs repeat the same second for many lines, so the date arithmetic runs once per second
  mutable char cached_iso_prefix_[19] = {};
  mutable int64_t cached_iso_wall_ = INT64_MIN;
};

// Fluentd's `float` time algorithm on the text form of a value (spec §3.3.4).
EventTime float_time_from_text(std::string_view text);
// Fluentd's `unixtime`: Ruby's lenient to_i of the text.
EventTime unixtime_from_text(std::string_view text);
// Ruby Float#to_s for the values time parsing sees (shortest round-trip digits).
std::string ruby_float_to_s(double v);

}  // namespace shipper
