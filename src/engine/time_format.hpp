#pragma once
// Formatting event times as Fluentd's TimeFormatter does: strftime with Ruby's extensions
// (%N, %3N/%6N/%9N, %L, %:z), in local time, UTC or a fixed offset; with no format, ISO 8601
// ("2020-06-01T10:00:00+00:00" local, "2020-06-01T10:00:00Z" UTC).
#include <optional>
#include <string>
#include <string_view>

#include "core/event_time.hpp"

namespace shipper {

struct TimeZoneSpec {
  enum class Kind { kLocal, kUtc, kFixed } kind = Kind::kLocal;
  int offset_seconds = 0;  // kFixed
};

// "+09:00", "-0530", "UTC", "Z" → a zone; false for names this build cannot resolve.
bool parse_timezone(std::string_view text, TimeZoneSpec& out);

void append_strftime(std::string& out, EventTime t, std::string_view format,
                     const TimeZoneSpec& zone);
void append_iso8601(std::string& out, EventTime t, const TimeZoneSpec& zone);

class TimeFormatter {
 public:
  TimeFormatter() = default;
  TimeFormatter(std::optional<std::string> format, TimeZoneSpec zone)
      : format_(std::move(format)), zone_(zone) {}
  void append(std::string& out, EventTime t) const {
    if (format_)
      append_strftime(out, t, *format_, zone_);
    else
      append_iso8601(out, t, zone_);
  }

 private:
  std::optional<std::string> format_;
  TimeZoneSpec zone_;
};

}  // namespace shipper
