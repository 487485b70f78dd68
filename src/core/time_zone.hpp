#pragma once
// Time zones for time parsing: the process's local zone (TZ), UTC, fixed offsets and IANA zones
// read from the system's zoneinfo files (TZif).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shipper {

class TimeZone {
 public:
  enum class Kind { kLocal, kFixed, kNamed };

  static TimeZone local() { return TimeZone(Kind::kLocal); }
  static TimeZone utc() { return fixed(0); }
  static TimeZone fixed(int32_t offset_seconds);
  // An IANA zone ("Asia/Tokyo", "Etc/UTC") from /usr/share/zoneinfo (or $TZDIR).
  static std::optional<TimeZone> named(std::string_view name);
  // Fluentd's accepted spellings (Fluent::Timezone.validate): ±HH, ±HHMM, ±HH:MM, or a zone name
  // containing a slash. "UTC", "JST" and other bare abbreviations are rejected (nullopt).
  static std::optional<TimeZone> parse_fluentd(std::string_view spec);

  Kind kind() const { return kind_; }
  // Offset east of UTC in seconds at the UTC instant `utc_seconds`.
  int32_t offset_at(int64_t utc_seconds) const;
  // Epoch seconds of a wall clock given as "seconds of that wall clock read as UTC". Local time
  // follows mktime (Ruby's Time.local); named zones use the offset at the wall clock read as UTC
  // (what Fluentd does), fixed offsets subtract the offset.
  int64_t wall_to_epoch(int64_t wall_as_utc) const;

 private:
  explicit TimeZone(Kind k) : kind_(k) {}
  struct Rules {
    std::vector<int64_t> transitions;   // UTC seconds, ascending
    std::vector<uint8_t> type_index;    // per transition
    std::vector<int32_t> type_offsets;  // per local time type
    int32_t initial_offset = 0;
  };
  Kind kind_;
  int32_t fixed_offset_ = 0;
  std::shared_ptr<const Rules> rules_;
};

}  // namespace shipper
