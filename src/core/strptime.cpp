#include "core/strptime.hpp"

#include <cctype>
#include <cstring>

#include "core/strptime_chars.hpp"

namespace shipper::timefmt {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Reads 1..max_digits digits at in[pos]; false when there is none.
bool read_digits(std::string_view in, size_t& pos, int max_digits, int64_t& value) {
  size_t start = pos;
  int64_t v = 0;
  while (pos < in.size() && is_digit(in[pos]) && static_cast<int>(pos - start) < max_digits) {
    v = v * 10 + (in[pos] - '0');
    ++pos;
  }
  if (pos == start) return false;
  value = v;
  return true;
}

constexpr const char* kMonths[] = {"january",   "february", "march",    "april",
                                   "may",       "june",     "july",     "august",
                                   "september", "october",  "november", "december"};
constexpr const char* kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                     "thursday", "friday", "saturday"};

bool match_word_ci(std::string_view in, size_t pos, std::string_view word) {
  if (in.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(in[pos + i]) != word[i]) return false;
  return true;
}

// English month (or weekday) name, full or 3-letter, case-insensitive; returns the index.
int read_name(std::string_view in, size_t& pos, const char* const* names, int count) {
  for (int i = 0; i < count; ++i) {
    std::string_view full = names[i];
    if (match_word_ci(in, pos, full)) {
      pos += full.size();
      return i;
    }
  }
  for (int i = 0; i < count; ++i) {
    std::string_view abbr = std::string_view(names[i]).substr(0, 3);
    if (match_word_ci(in, pos, abbr)) {
      pos += 3;
      return i;
    }
  }
  return -1;
}

struct ZoneAbbr {
  const char* name;
  int32_t offset;
};
// Ruby's zone table, the names that appear in logs.
constexpr ZoneAbbr kZoneAbbrs[] = {
    {"utc", 0},          {"gmt", 0},         {"ut", 0},           {"z", 0},
    {"est", -5 * 3600},  {"edt", -4 * 3600}, {"cst", -6 * 3600},  {"cdt", -5 * 3600},
    {"mst", -7 * 3600},  {"mdt", -6 * 3600}, {"pst", -8 * 3600},  {"pdt", -7 * 3600},
    {"jst", 9 * 3600},   {"kst", 9 * 3600},  {"cet", 3600},       {"cest", 2 * 3600},
    {"eet", 2 * 3600},   {"eest", 3 * 3600}, {"wet", 0},          {"west", 3600},
    {"bst", 3600},       {"ist", 19800},     {"hst", -10 * 3600}, {"akst", -9 * 3600},
    {"akdt", -8 * 3600}, {"msk", 3 * 3600},  {"aest", 10 * 3600}, {"aedt", 11 * 3600},
};

bool is_numeric_op(Strptime::Op op) {
  using Op = Strptime::Op;
  switch (op) {
    case Op::kYear:
    case Op::kYear2:
    case Op::kCentury:
    case Op::kMonth:
    case Op::kDay:
    case Op::kYday:
    case Op::kHour:
    case Op::kHour12:
    case Op::kMinute:
    case Op::kSecond:
    case Op::kFraction:
    case Op::kEpoch:
    case Op::kEpochMs:
    case Op::kWeekdayNum:
    case Op::kWeekNum:
      return true;
    default:
      return false;
  }
}

}  // namespace

int64_t days_from_civil(int64_t y, int m, int d) {
  // Normalise the month first, then let the day count run over (Howard Hinnant's algorithm).
  int64_t mm = m - 1;
  y += mm >= 0 ? mm / 12 : -((11 - mm) / 12);
  mm = ((mm % 12) + 12) % 12;
  int64_t mon = mm + 1;
  y -= mon <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (d - 1);
}

int64_t utc_seconds(const BrokenTime& t) {
  int64_t days = t.yday > 0 ? days_from_civil(t.year, 1, 1) + t.yday - 1
                            : days_from_civil(t.year, t.mon, t.mday);
  return days * 86400 + t.hour * 3600LL + t.min * 60LL + t.sec;
}

bool parse_zone_offset(std::string_view in, bool words, int32_t& offset, size_t& consumed) {
  size_t pos = 0;
  if (pos < in.size() && (in[pos] == 'Z' || in[pos] == 'z')) {
    // "Z" alone; a word starting with z is only accepted through the table below.
    if (!words || pos + 1 >= in.size() ||
        !((in[pos + 1] | 0x20) >= 'a' && (in[pos + 1] | 0x20) <= 'z')) {
      offset = 0;
      consumed = 1;
      return true;
    }
  }
  int32_t base = 0;
  if (words && pos < in.size() && ((in[pos] | 0x20) >= 'a' && (in[pos] | 0x20) <= 'z')) {
    size_t end = pos;
    while (end < in.size() && ((in[end] | 0x20) >= 'a' && (in[end] | 0x20) <= 'z')) ++end;
    std::string word;
    for (size_t i = pos; i < end; ++i) word += lower(in[i]);
    bool found = false;
    for (const auto& z : kZoneAbbrs) {
      if (word == z.name) {
        base = z.offset;
        found = true;
        break;
      }
    }
    if (!found) return false;
    pos = end;
    // "GMT+9", "UTC-03:00"
    if (!(pos < in.size() && (in[pos] == '+' || in[pos] == '-'))) {
      offset = base;
      consumed = pos;
      return true;
    }
  }
  if (pos >= in.size() || (in[pos] != '+' && in[pos] != '-')) return false;
  int sign = in[pos] == '-' ? -1 : 1;
  ++pos;
  size_t digits_start = pos;
  while (pos < in.size() && is_digit(in[pos])) ++pos;
  size_t n = pos - digits_start;
  int64_t hours = 0, minutes = 0;
  if (n == 0) return false;
  if (n <= 2) {
    for (size_t i = digits_start; i < pos; ++i) hours = hours * 10 + (in[i] - '0');
    if (pos < in.size() && in[pos] == ':') {
      size_t p2 = pos + 1;
      int64_t m = 0;
      if (read_digits(in, p2, 2, m)) {
        minutes = m;
        pos = p2;
      } else {
        pos = pos + 1;  // "+09:" – the colon is optional and may stand alone
      }
    }
  } else if (n <= 4) {
    // hhmm or hmm
    int64_t v = 0;
    for (size_t i = digits_start; i < pos; ++i) v = v * 10 + (in[i] - '0');
    hours = v / 100;
    minutes = v % 100;
  } else {
    return false;
  }
  if (hours > 23 || minutes > 59) return false;
  offset = base + sign * static_cast<int32_t>(hours * 3600 + minutes * 60);
  consumed = pos;
  return true;
}

bool Strptime::parse(std::string_view in, BrokenTime& out) const {
  out = BrokenTime{};
  bool ok = fast_ ? parse_fast(in, out) : parse_ruby(in, out);
  if (!ok) return false;
  if (out.pm >= 0) out.hour = out.hour % 12 + (out.pm ? 12 : 0);
  return true;
}

bool Strptime::parse_fast(std::string_view in, BrokenTime& t) const {
  size_t pos = 0;
  int64_t v = 0;
  for (const Step& s : steps_) {
    switch (s.op) {
      case Op::kLiteral:
        if (in.size() - pos < s.literal.size() ||
            std::memcmp(in.data() + pos, s.literal.data(), s.literal.size()) != 0)
          return false;
        pos += s.literal.size();
        break;
      case Op::kSpace:
        while (pos < in.size() && is_space(in[pos])) ++pos;
        break;
      case Op::kYear: {
        int sign = 1;
        if (pos < in.size() && (in[pos] == '+' || in[pos] == '-')) {
          sign = in[pos] == '-' ? -1 : 1;
          ++pos;
        }
        if (!read_digits(in, pos, 4, v)) return false;
        t.year = sign * v;
        t.has_year = true;
        break;
      }
      case Op::kYear2:
        if (!read_digits(in, pos, 2, v)) return false;
        t.year = v < 69 ? 2000 + v : 1900 + v;
        t.has_year = true;
        break;
      case Op::kMonth:
        if (!read_digits(in, pos, 2, v) || v < 1 || v > 12) return false;
        t.mon = static_cast<int>(v);
        break;
      case Op::kMonthName: {
        int m = read_name(in, pos, kMonths, 12);
        if (m < 0) return false;
        t.mon = m + 1;
        break;
      }
      case Op::kDay:
        if (!read_digits(in, pos, 2, v) || v < 1 || v > 31) return false;
        t.mday = static_cast<int>(v);
        break;
      case Op::kHour:
        if (!read_digits(in, pos, 2, v) || v > 23) return false;
        t.hour = static_cast<int>(v);
        break;
      case Op::kMinute:
        if (!read_digits(in, pos, 2, v) || v > 59) return false;
        t.min = static_cast<int>(v);
        break;
      case Op::kSecond:
        if (!read_digits(in, pos, 2, v) || v > 60) return false;
        t.sec = static_cast<int>(v);
        break;
      case Op::kFraction: {
        size_t start = pos;
        if (!read_digits(in, pos, 9, v)) return false;
        for (size_t n = pos - start; n < 9; ++n) v *= 10;
        t.nsec = static_cast<uint32_t>(v);
        break;
      }
      case Op::kZone: {
        size_t used = 0;
        if (!parse_zone_offset(in.substr(pos), false, t.offset, used)) return false;
        t.has_offset = true;
        pos += used;
        break;
      }
      default:
        return false;  // not a fast directive (cannot happen: compile() chose the dialect)
    }
  }
  return true;
}

bool Strptime::parse_ruby(std::string_view in, BrokenTime& t) const {
  size_t pos = 0;
  int64_t v = 0;
  auto next_is_numeric = [&](size_t i) {
    if (i + 1 >= steps_.size()) return false;
    const Step& n = steps_[i + 1];
    if (n.op == Op::kLiteral) return is_digit(n.literal[0]);
    return is_numeric_op(n.op);
  };
  auto skip_one_space = [&] {
    if (pos < in.size() && in[pos] == ' ') ++pos;
  };
  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& s = steps_[i];
    int w = s.width;
    switch (s.op) {
      case Op::kLiteral:
        if (in.size() - pos < s.literal.size() ||
            std::memcmp(in.data() + pos, s.literal.data(), s.literal.size()) != 0)
          return false;
        pos += s.literal.size();
        break;
      case Op::kSpace:
        while (pos < in.size() && is_space(in[pos])) ++pos;
        break;
      case Op::kYear: {
        int sign = 1;
        if (pos < in.size() && (in[pos] == '+' || in[pos] == '-')) {
          sign = in[pos] == '-' ? -1 : 1;
          ++pos;
        }
        if (!read_digits(in, pos, w ? w : (next_is_numeric(i) ? 4 : 10), v)) return false;
        t.year = sign * v;
        t.has_year = true;
        break;
      }
      case Op::kYear2:
        if (!read_digits(in, pos, w ? w : 2, v)) return false;
        t.year = v < 69 ? 2000 + v : 1900 + v;
        t.has_year = true;
        break;
      case Op::kCentury:
        if (!read_digits(in, pos, w ? w : 2, v)) return false;
        t.year = v * 100 + (t.has_year ? t.year % 100 : 0);
        t.has_year = true;
        break;
      case Op::kMonth:
        if (!read_digits(in, pos, w ? w : 2, v) || v < 1 || v > 12) return false;
        t.mon = static_cast<int>(v);
        break;
      case Op::kMonthName: {
        int m = read_name(in, pos, kMonths, 12);
        if (m < 0) return false;
        t.mon = m + 1;
        break;
      }
      case Op::kDay:
        skip_one_space();
        if (!read_digits(in, pos, w ? w : 2, v) || v < 1 || v > 31) return false;
        t.mday = static_cast<int>(v);
        break;
      case Op::kYday:
        if (!read_digits(in, pos, w ? w : 3, v) || v < 1 || v > 366) return false;
        t.yday = static_cast<int>(v);
        break;
      case Op::kHour:
        skip_one_space();
        if (!read_digits(in, pos, w ? w : 2, v) || v > 24) return false;
        t.hour = static_cast<int>(v);
        break;
      case Op::kHour12:
        skip_one_space();
        if (!read_digits(in, pos, w ? w : 2, v) || v < 1 || v > 12) return false;
        t.hour = static_cast<int>(v);
        if (t.pm < 0) t.pm = 0;
        break;
      case Op::kMinute:
        if (!read_digits(in, pos, w ? w : 2, v) || v > 59) return false;
        t.min = static_cast<int>(v);
        break;
      case Op::kSecond:
        if (!read_digits(in, pos, w ? w : 2, v) || v > 60) return false;
        t.sec = static_cast<int>(v);
        break;
      case Op::kFraction: {
        // Any number of digits (or up to the width); the first nine give the nanoseconds.
        size_t start = pos;
        size_t limit = w ? static_cast<size_t>(w) : (next_is_numeric(i) ? 9 : SIZE_MAX);
        int64_t ns = 0;
        while (pos < in.size() && is_digit(in[pos]) && pos - start < limit) {
          if (pos - start < 9) ns = ns * 10 + (in[pos] - '0');
          ++pos;
        }
        size_t n = pos - start;
        if (n == 0) return false;
        if (w && pos < in.size() && is_digit(in[pos])) return false;
        for (size_t k = n; k < 9; ++k) ns *= 10;
        t.nsec = static_cast<uint32_t>(ns);
        break;
      }
      case Op::kZone:
      case Op::kZoneName: {
        size_t used = 0;
        if (parse_zone_offset(in.substr(pos), true, t.offset, used)) {
          t.has_offset = true;
          pos += used;
          break;
        }
        // A zone name Ruby does not know (Region/City): consumed, the time stays local.
        size_t start = pos;
        while (pos < in.size() && (std::isalpha(static_cast<unsigned char>(in[pos])) ||
                                   in[pos] == '/' || in[pos] == '_'))
          ++pos;
        if (pos == start) return false;
        break;
      }
      case Op::kEpoch:
      case Op::kEpochMs: {
        bool neg = false;
        if (pos < in.size() && in[pos] == '-') {
          neg = true;
          ++pos;
        }
        if (!read_digits(in, pos, 19, v)) return false;
        if (neg) v = -v;
        t.has_epoch = true;
        if (s.op == Op::kEpoch) {
          t.epoch = v;
        } else {
          t.epoch = v >= 0 ? v / 1000 : -((-v + 999) / 1000);
          t.nsec = static_cast<uint32_t>(((v % 1000) + 1000) % 1000) * 1000000u;
        }
        break;
      }
      case Op::kWeekdayName:
        if (read_name(in, pos, kWeekdays, 7) < 0) return false;
        break;
      case Op::kWeekdayNum:
        if (!read_digits(in, pos, 1, v)) return false;
        break;
      case Op::kWeekNum:
        if (!read_digits(in, pos, w ? w : 2, v)) return false;
        break;
      case Op::kAmPm:
        if (match_word_ci(in, pos, "am") || match_word_ci(in, pos, "pm")) {
          t.pm = lower(in[pos]) == 'p' ? 1 : 0;
          pos += 2;
        } else if (match_word_ci(in, pos, "a.m.") || match_word_ci(in, pos, "p.m.")) {
          t.pm = lower(in[pos]) == 'p' ? 1 : 0;
          pos += 4;
        } else {
          return false;
        }
        break;
      case Op::kPercent:
        if (pos >= in.size() || in[pos] != '%') return false;
        ++pos;
        break;
    }
  }
  return true;
}

}  // namespace shipper::timefmt
