#pragma once
// Fluentd's strptime dialect. A format compiles once into a list of steps. Formats that use only
// the directives of the `strptime` gem (Fluentd's fast path) follow its exact rules (1–2 digit
// fields, %N of 1–9 digits, %z with Z/+hh/+hhmm/+hh:mm, whitespace in the format matching zero or
// more spaces); any other directive switches the whole format to Ruby's Time.strptime rules
// (%L/%N of any length, %s, %Z names, %p, %j, …), as Fluentd does. Trailing input is ignored in
// both dialects.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shipper::timefmt {

// The fields a parse produced. Missing fields keep their defaults; the caller fills the year.
struct BrokenTime {
  int64_t year = 0;
  bool has_year = false;
  int mon = 1;  // 1..12
  int mday = 1;
  int yday = 0;  // %j (1..366), 0 = unused
  int hour = 0;
  int min = 0;
  int sec = 0;
  uint32_t nsec = 0;
  int pm = -1;  // %p: 0 am, 1 pm, -1 absent (then hour is 0..24)
  bool has_offset = false;
  int32_t offset = 0;      // seconds east of UTC
  bool has_epoch = false;  // %s / %Q: the whole time is epoch (+ nsec)
  int64_t epoch = 0;
};

class Strptime {
 public:
  Strptime() = default;
  explicit Strptime(std::string_view format);

  // True when the format uses only the fast (strptime gem) directives.
  bool fast() const { return fast_; }
  // True when the format has %z or %Z (the zone then comes from the input).
  bool has_zone() const { return has_zone_; }
  bool has_year() const { return has_year_; }
  const std::string& format() const { return format_; }

  // Parses `in`; false when it does not match.
  bool parse(std::string_view in, BrokenTime& out) const;

  enum class Op : uint8_t {
    kLiteral,
    kSpace,
    kYear,
    kYear2,
    kCentury,
    kMonth,
    kMonthName,
    kDay,
    kYday,
    kHour,
    kHour12,
    kMinute,
    kSecond,
    kFraction,
    kZone,
    kZoneName,
    kEpoch,
    kEpochMs,
    kWeekdayName,
    kWeekdayNum,
    kWeekNum,
    kAmPm,
    kPercent,
  };
  struct Step {
    Op op;
    int width = 0;        // 0: the directive's default width
    std::string literal;  // kLiteral
  };

 private:
  void compile(std::string_view format);
  bool parse_fast(std::string_view in, BrokenTime& out) const;
  bool parse_ruby(std::string_view in, BrokenTime& out) const;

  std::string format_;
  std::vector<Step> steps_;
  bool fast_ = true;
  bool has_zone_ = false;
  bool has_year_ = false;
};

// Days since 1970-01-01 of a proleptic Gregorian date; months and days out of range are
// normalised (Feb 30 → Mar 1).
int64_t days_from_civil(int64_t y, int m, int d);
// Seconds since the epoch of a wall clock read as UTC (fields are normalised like timegm).
int64_t utc_seconds(const BrokenTime& t);
// A zone offset written ±hh, ±hhmm, ±hh:mm, ±h, Z (also UTC/GMT words when `words`); false when
// not one. `consumed` receives the bytes read.
bool parse_zone_offset(std::string_view in, bool words, int32_t& offset, size_t& consumed);

}  // namespace shipper::timefmt
