#include "engine/time_format.hpp"

#include <time.h>

#include <cctype>
#include <cstdio>

namespace shipper {

bool parse_timezone(std::string_view text, TimeZoneSpec& out) {
  if (text == "UTC" || text == "Z" || text == "Etc/UTC" || text == "GMT") {
    out.kind = TimeZoneSpec::Kind::kUtc;
    return true;
  }
  if (text.size() >= 5 && (text[0] == '+' || text[0] == '-')) {
    std::string digits;
    for (char c : text.substr(1))
      if (c != ':') digits += c;
    if (digits.size() != 4) return false;
    for (char c : digits)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    int h = (digits[0] - '0') * 10 + (digits[1] - '0');
    int m = (digits[2] - '0') * 10 + (digits[3] - '0');
    out.kind = TimeZoneSpec::Kind::kFixed;
    out.offset_seconds = (text[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
  }
  return false;
}

namespace {

// Broken-down time in the zone, and that zone's UTC offset in seconds.
void to_tm(EventTime t, const TimeZoneSpec& zone, tm& out, long& offset) {
  time_t secs = static_cast<time_t>(t.sec);
  switch (zone.kind) {
    case TimeZoneSpec::Kind::kLocal:
      localtime_r(&secs, &out);
      offset = out.tm_gmtoff;
      break;
    case TimeZoneSpec::Kind::kUtc:
      gmtime_r(&secs, &out);
      offset = 0;
      break;
    case TimeZoneSpec::Kind::kFixed: {
      time_t shifted = secs + zone.offset_seconds;
      gmtime_r(&shifted, &out);
      offset = zone.offset_seconds;
      break;
    }
  }
}

void append_offset(std::string& out, long offset, bool colon) {
  char buf[16];
  long a = offset < 0 ? -offset : offset;
  std::snprintf(buf, sizeof buf, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", offset < 0 ? '-' : '+',
                a / 3600, (a / 60) % 60);
  out += buf;
}

}  // namespace

void append_strftime(std::string& out, EventTime t, std::string_view format,
                     const TimeZoneSpec& zone) {
  tm parts{};
  long offset = 0;
  to_tm(t, zone, parts, offset);
  char buf[128];
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%' || i + 1 >= format.size()) {
      out += c;
      continue;
    }
    size_t j = i + 1;
    int width = -1;
    while (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
      width = (width < 0 ? 0 : width * 10) + (format[j] - '0');
      ++j;
    }
    if (j >= format.size()) {
      out.append(format.substr(i));
      return;
    }
    char d = format[j];
    if (d == 'N' || d == 'L') {
      int digits = width > 0 ? width : (d == 'L' ? 3 : 9);
      std::snprintf(buf, sizeof buf, "%09u", t.nsec);
      std::string frac(buf);
      if (digits <= 9)
        out.append(frac.substr(0, static_cast<size_t>(digits)));
      else
        out.append(frac).append(static_cast<size_t>(digits - 9), '0');
      i = j;
      continue;
    }
    if (d == 'z' && width < 0) {
      append_offset(out, offset, false);
      i = j;
      continue;
    }
    if (d == ':' && j + 1 < format.size() && format[j + 1] == 'z') {
      append_offset(out, offset, true);
      i = j + 1;
      continue;
    }
    if (d == 'Z' && zone.kind != TimeZoneSpec::Kind::kLocal) {
      out += zone.kind == TimeZoneSpec::Kind::kUtc ? "UTC" : "";
      i = j;
      continue;
    }
    if (d == 's') {
      out += std::to_string(t.sec);
      i = j;
      continue;
    }
    std::string one(format.substr(i, j - i + 1));
    size_t n = strftime(buf, sizeof buf, one.c_str(), &parts);
    out.append(buf, n);
    i = j;
  }
}

void append_iso8601(std::string& out, EventTime t, const TimeZoneSpec& zone) {
  if (zone.kind == TimeZoneSpec::Kind::kUtc) {
    append_strftime(out, t, "%Y-%m-%dT%H:%M:%SZ", zone);
  } else {
    append_strftime(out, t, "%Y-%m-%dT%H:%M:%S%:z", zone);
  }
}

}  // namespace shipper
