#include "core/time_parser.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>

namespace shipper {

using timefmt::BrokenTime;

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string invalid_format(std::string_view value, std::string_view why) {
  return "invalid time format: value = " + std::string(value) +
         ", error_class = ArgumentError, error = " + std::string(why);
}

EventTime make_time(int64_t sec, uint32_t nsec) {
  return EventTime{static_cast<uint32_t>(sec), nsec};
}

constexpr std::string_view kIsoNanoOffset = "%Y-%m-%dT%H:%M:%S.%N%z";
constexpr std::string_view kIsoNanoZ = "%Y-%m-%dT%H:%M:%S.%NZ";

// Fixed-width "YYYY-MM-DDTHH:MM:SS" → fields; false if the shape differs (the general parser then
// decides, so the result is always the same as the general path's).
bool read_fixed_iso_prefix(std::string_view v, BrokenTime& t) {
  if (v.size() < 19) return false;
  const char* p = v.data();
  auto d2 = [&](int i) { return (p[i] - '0') * 10 + (p[i + 1] - '0'); };
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (!is_digit(p[i])) return false;
  if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':') return false;
  t.year = d2(0) * 100 + d2(2);
  t.has_year = true;
  t.mon = d2(5);
  t.mday = d2(8);
  t.hour = d2(11);
  t.min = d2(14);
  t.sec = d2(17);
  return t.mon >= 1 && t.mon <= 12 && t.mday >= 1 && t.mday <= 31 && t.hour <= 23 && t.min <= 59 &&
         t.sec <= 60;
}

}  // namespace

std::string ruby_float_to_s(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  // Ruby prints integral floats with ".0" and switches to exponent form at 1e16.
  if (s.find_first_of(".e") == std::string::npos) {
    if (std::fabs(v) < 1e16) {
      s += ".0";
    } else {
      auto r2 = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
      s.assign(buf, r2.ptr);
    }
  }
  return s;
}

EventTime float_time_from_text(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view int_part = text.substr(0, dot);
  int64_t sec = ruby_to_i(int_part);
  uint32_t nsec = 0;
  if (dot != std::string_view::npos) {
    std::string_view frac = text.substr(dot + 1);
    size_t second_dot = frac.find('.');
    if (second_dot != std::string_view::npos) frac = frac.substr(0, second_dot);
    std::string f(frac.substr(0, 10));
    while (f.size() < 9) f += '0';
    int64_t n = ruby_to_i(f);
    nsec = static_cast<uint32_t>(n < 0 ? 0 : n);
  }
  return make_time(sec, nsec);
}

EventTime unixtime_from_text(std::string_view text) {
  return make_time(ruby_to_i(text), 0);
}

std::optional<TimeParser> TimeParser::create(const TimeParserConfig& c, std::string* error) {
  TimeParser p;
  p.type_ = c.time_type;
  if (c.timezone) {
    auto z = TimeZone::parse_fluentd(*c.timezone);
    if (!z) {
      if (error) *error = "Unsupported timezone '" + *c.timezone + "'";
      return std::nullopt;
    }
    p.zone_ = *z;
  } else if (c.utc || !c.localtime) {
    p.zone_ = TimeZone::utc();
  }
  auto string_format = [](const std::optional<std::string>& f) {
    if (!f) return Format{Format::Kind::kLenient, {}};
    if (*f == "%iso8601") return Format{Format::Kind::kIso8601, {}};
    Format format{Format::Kind::kStrptime, timefmt::Strptime(*f)};
    if (format.strptime.fast() && *f == kIsoNanoOffset) format.iso = Format::Iso::kNanoOffset;
    if (format.strptime.fast() && *f == kIsoNanoZ) format.iso = Format::Iso::kNanoZ;
    return format;
  };
  if (c.time_type == "float") {
    p.formats_.push_back({Format::Kind::kFloat, {}});
  } else if (c.time_type == "unixtime") {
    p.formats_.push_back({Format::Kind::kUnixtime, {}});
  } else if (c.time_type == "mixed") {
    if (c.time_format) p.formats_.push_back(string_format(c.time_format));
    for (const auto& f : c.time_format_fallbacks) {
      if (f == "unixtime")
        p.formats_.push_back({Format::Kind::kUnixtime, {}});
      else if (f == "float")
        p.formats_.push_back({Format::Kind::kFloat, {}});
      else
        p.formats_.push_back(string_format(f));
    }
    if (p.formats_.empty()) p.formats_.push_back({Format::Kind::kLenient, {}});
  } else {
    p.type_ = "string";
    p.formats_.push_back(string_format(c.time_format));
  }
  p.mixed_ = p.type_ == "mixed";
  return p;
}

int64_t TimeParser::current_year(const TimeZone& zone) const {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  int64_t local = now + zone.offset_at(now);
  int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  // civil year from days (inverse of days_from_civil)
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t m = mp + (mp < 10 ? 3 : -9);
  return y + (m <= 2);
}

int64_t TimeParser::local_wall_to_epoch(int64_t wall, const TimeZone& zone) const {
  if (zone.kind() == TimeZone::Kind::kFixed) return zone.wall_to_epoch(wall);
  if (&zone == &zone_) {
    if (wall == cached_wall_) return cached_epoch_;
    cached_epoch_ = zone.wall_to_epoch(wall);
    cached_wall_ = wall;
    return cached_epoch_;
  }
  return zone.wall_to_epoch(wall);
}

int64_t TimeParser::to_epoch(BrokenTime& t, bool zone_from_input) const {
  if (t.has_epoch) return t.epoch;
  static const TimeZone kLocal = TimeZone::local();
  // A format with %z/%Z takes the zone from the input; when the input named a zone Ruby does not
  // know, the time is local, whatever localtime/utc/timezone say.
  const TimeZone& zone = zone_from_input ? kLocal : zone_;
  if (!t.has_year) t.year = current_year(t.has_offset ? TimeZone::fixed(t.offset) : zone);
  int64_t wall = timefmt::utc_seconds(t);
  if (t.has_offset) return wall - t.offset;
  return local_wall_to_epoch(wall, zone);
}

bool TimeParser::parse_strptime(const Format& format, std::string_view v, EventTime& out) const {
  const timefmt::Strptime& f = format.strptime;
  // Fast path for the container-log formats: fixed-width digits, 1–9 digit fraction, zone.
  if (format.iso != Format::Iso::kNone && v.size() > 20 && v[19] == '.' && is_digit(v[20])) {
    int64_t wall;
    if (cached_iso_wall_ != INT64_MIN && std::memcmp(v.data(), cached_iso_prefix_, 19) == 0) {
      wall = cached_iso_wall_;
    } else {
      BrokenTime t;
      if (!read_fixed_iso_prefix(v, t)) return parse_strptime_general(f, v, out);
      wall = timefmt::utc_seconds(t);
      std::memcpy(cached_iso_prefix_, v.data(), 19);
      cached_iso_wall_ = wall;
    }
    size_t pos = 20;
    uint32_t ns = 0;
    size_t n = 0;
    while (pos < v.size() && is_digit(v[pos]) && n < 9) {
      ns = ns * 10 + static_cast<uint32_t>(v[pos] - '0');
      ++pos;
      ++n;
    }
    static constexpr uint32_t kScale[] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                          10000,      1000,      100,      10,      1};
    ns *= kScale[n];
    std::string_view rest = v.substr(pos);
    if (format.iso == Format::Iso::kNanoZ) {
      if (rest.empty() || rest[0] != 'Z') return false;
      out = make_time(local_wall_to_epoch(wall, zone_), ns);
      return true;
    }
    int32_t offset = 0;
    size_t used = 0;
    if (rest.size() == 1 && rest[0] == 'Z') {  // UTC, as docker writes it
      out = make_time(wall, ns);
      return true;
    }
    if (!timefmt::parse_zone_offset(rest, false, offset, used)) return false;
    out = make_time(wall - offset, ns);
    return true;
  }
  return parse_strptime_general(f, v, out);
}

bool TimeParser::parse_strptime_general(const timefmt::Strptime& f, std::string_view v,
                                        EventTime& out) const {
  BrokenTime t;
  if (!f.parse(v, t)) return false;
  out = make_time(to_epoch(t, f.has_zone()), t.nsec);
  return true;
}

bool TimeParser::parse_iso8601(std::string_view v, EventTime& out) const {
  // Ruby's Time.xmlschema: YYYY-MM-DD[Thh:mm:ss[.frac]][Z|±hh[:]mm], whole string.
  size_t i = 0;
  while (i < v.size() && is_space(v[i])) ++i;
  size_t end = v.size();
  while (end > i && is_space(v[end - 1])) --end;
  std::string_view s = v.substr(i, end - i);
  BrokenTime t;
  size_t p = 0;
  auto digits = [&](size_t n, int64_t& val) {
    if (s.size() - p < n) return false;
    val = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!is_digit(s[p + k])) return false;
      val = val * 10 + (s[p + k] - '0');
    }
    p += n;
    return true;
  };
  bool neg = false;
  if (p < s.size() && s[p] == '-') {
    neg = true;
    ++p;
  }
  size_t ystart = p;
  while (p < s.size() && is_digit(s[p])) ++p;
  if (p - ystart < 4) return false;
  int64_t year = 0;
  for (size_t k = ystart; k < p; ++k) year = year * 10 + (s[k] - '0');
  t.year = neg ? -year : year;
  t.has_year = true;
  int64_t val = 0;
  if (p >= s.size() || s[p++] != '-' || !digits(2, val)) return false;
  t.mon = static_cast<int>(val);
  if (p >= s.size() || s[p++] != '-' || !digits(2, val)) return false;
  t.mday = static_cast<int>(val);
  if (p < s.size() && s[p] == 'T') {
    ++p;
    if (!digits(2, val)) return false;
    t.hour = static_cast<int>(val);
    if (p >= s.size() || s[p++] != ':' || !digits(2, val)) return false;
    t.min = static_cast<int>(val);
    if (p >= s.size() || s[p++] != ':' || !digits(2, val)) return false;
    t.sec = static_cast<int>(val);
    if (p < s.size() && s[p] == '.') {
      ++p;
      size_t fs = p;
      uint64_t ns = 0;
      while (p < s.size() && is_digit(s[p])) {
        if (p - fs < 9) ns = ns * 10 + (s[p] - '0');
        ++p;
      }
      if (p == fs) return false;
      for (size_t k = p - fs; k < 9; ++k) ns *= 10;
      t.nsec = static_cast<uint32_t>(ns);
    }
  }
  if (p < s.size()) {
    if (s[p] == 'Z') {
      t.has_offset = true;
      ++p;
    } else if (s[p] == '+' || s[p] == '-') {
      int sign = s[p] == '-' ? -1 : 1;
      ++p;
      int64_t hh = 0, mm = 0;
      if (!digits(2, hh)) return false;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !digits(2, mm)) return false;
      t.has_offset = true;
      t.offset = sign * static_cast<int32_t>(hh * 3600 + mm * 60);
    }
  }
  if (p != s.size()) return false;
  if (t.mon < 1 || t.mon > 12 || t.mday < 1 || t.mday > 31 || t.hour > 24 || t.min > 59 ||
      t.sec > 60)
    return false;
  // Without an offset the string is local time; utc/timezone do not apply here.
  out = make_time(to_epoch(t, true), t.nsec);
  return true;
}

bool TimeParser::parse_with(const Format& f, std::string_view value, EventTime& out,
                            std::string* why) const {
  switch (f.kind) {
    case Format::Kind::kStrptime:
      if (parse_strptime(f, value, out)) return true;
      if (why) {
        *why = f.strptime.fast() ? "string doesn't match"
                                 : "invalid date or strptime format - `" + std::string(value) +
                                       "' `" + f.strptime.format() + "'";
      }
      return false;
    case Format::Kind::kIso8601:
      if (parse_iso8601(value, out)) return true;
      if (why) *why = "invalid xmlschema format: \"" + std::string(value) + "\"";
      return false;
    case Format::Kind::kLenient:
      if (parse_lenient(value, out)) return true;
      if (why) *why = "no time information in \"" + std::string(value) + "\"";
      return false;
    case Format::Kind::kUnixtime:
      out = unixtime_from_text(value);
      return true;
    case Format::Kind::kFloat:
      out = float_time_from_text(value);
      return true;
  }
  return false;
}

bool TimeParser::parse(std::string_view value, EventTime& out, std::string* error) const {
  if (!mixed_) {
    if (parse_with(formats_.front(), value, out, nullptr)) return true;
    std::string why;
    parse_with(formats_.front(), value, out, &why);
    if (error) *error = invalid_format(value, why);
    return false;
  }
  auto looks_numeric = [&] {
    size_t i = 0;
    if (i < value.size() && (value[i] == '-' || value[i] == '+')) ++i;
    bool digit = false, dot = false;
    for (; i < value.size(); ++i) {
      if (is_digit(value[i]))
        digit = true;
      else if (value[i] == '.' && !dot)
        dot = true;
      else
        return false;
    }
    return digit;
  };
  std::string why;
  for (const auto& f : formats_) {
    if ((f.kind == Format::Kind::kUnixtime || f.kind == Format::Kind::kFloat) && !looks_numeric())
      continue;
    if (parse_with(f, value, out, &why)) return true;
  }
  if (error) *error = invalid_format(value, why.empty() ? "string doesn't match" : why);
  return false;
}

bool TimeParser::parse_integer(int64_t value, EventTime& out, std::string* error) const {
  if (type_ == "float" || type_ == "unixtime") {
    out = make_time(value, 0);
    return true;
  }
  if (type_ == "mixed") {
    for (const auto& f : formats_) {
      if (f.kind == Format::Kind::kUnixtime || f.kind == Format::Kind::kFloat) {
        out = make_time(value, 0);
        return true;
      }
    }
  }
  if (error) *error = "value must be string: " + std::to_string(value);
  return false;
}

bool TimeParser::parse_double(double value, EventTime& out, std::string* error) const {
  std::string text = ruby_float_to_s(value);
  if (type_ == "float") {
    out = float_time_from_text(text);
    return true;
  }
  if (type_ == "unixtime") {
    out = unixtime_from_text(text);
    return true;
  }
  if (type_ == "mixed") {
    for (const auto& f : formats_) {
      if (f.kind == Format::Kind::kUnixtime || f.kind == Format::Kind::kFloat) {
        out =
            f.kind == Format::Kind::kFloat ? float_time_from_text(text) : unixtime_from_text(text);
        return true;
      }
    }
  }
  if (error) *error = "value must be string: " + text;
  return false;
}

}  // namespace shipper
