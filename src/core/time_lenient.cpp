// The format-less time parse (Ruby's Time.parse), for `time_type string` without `time_format`
// and for `types x:time`. Ruby's heuristic is large; this covers the shapes that appear in logs:
//   2020-06-01[T ]10:00:00[.frac][Z|±hh:mm| UTC]   2020/06/01 10:00:00
//   28/Feb/2013:12:00:00 +0900                      Feb 28 12:00:00 [2013]   28 Feb 2013 12:00
//   Wed, 01 Jun 2020 10:00:00 GMT                    10:00[:00] (today)       2020-06-01 (midnight)
// Missing date parts come from today, a missing year from this year, in the interpretation zone.
#include <cctype>
#include <ctime>

#include "core/time_parser.hpp"

namespace shipper {

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

int month_from_name(std::string_view s, size_t pos, size_t& len) {
  static const char* kNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() - pos < 3) return 0;
  for (int m = 0; m < 12; ++m) {
    bool ok = true;
    for (int k = 0; k < 3; ++k)
      if (std::tolower(static_cast<unsigned char>(s[pos + k])) != kNames[m][k]) ok = false;
    if (ok) {
      len = 3;
      while (pos + len < s.size() && std::isalpha(static_cast<unsigned char>(s[pos + len]))) ++len;
      return m + 1;
    }
  }
  return 0;
}

size_t read_num(std::string_view s, size_t pos, int64_t& v) {
  size_t start = pos;
  v = 0;
  while (pos < s.size() && digit(s[pos]) && pos - start < 10) v = v * 10 + (s[pos++] - '0');
  return pos - start;
}

}  // namespace

bool TimeParser::parse_lenient(std::string_view s, EventTime& out) const {
  timefmt::BrokenTime t;
  bool have_date = false, have_time = false, have_year = false;
  size_t time_end = std::string_view::npos;
  // Pass 1: the date.
  for (size_t i = 0; i < s.size() && !have_date; ++i) {
    int64_t a = 0, b = 0, c = 0;
    size_t len = 0;
    if (digit(s[i]) && (i == 0 || !digit(s[i - 1]))) {
      size_t n = read_num(s, i, a);
      size_t p = i + n;
      // YYYY-MM-DD or YYYY/MM/DD
      if (n == 4 && p < s.size() && (s[p] == '-' || s[p] == '/')) {
        char sep = s[p];
        size_t n2 = read_num(s, p + 1, b);
        size_t p2 = p + 1 + n2;
        if (n2 >= 1 && n2 <= 2 && p2 < s.size() && s[p2] == sep) {
          size_t n3 = read_num(s, p2 + 1, c);
          if (n3 >= 1 && n3 <= 2) {
            t.year = a, t.mon = static_cast<int>(b), t.mday = static_cast<int>(c);
            have_date = have_year = true;
            continue;
          }
        }
      }
      // DD/Mon/YYYY (apache), DD Mon YYYY, DD-Mon-YYYY
      if (n <= 2 && p < s.size() && (s[p] == '/' || s[p] == ' ' || s[p] == '-')) {
        int m = month_from_name(s, p + 1, len);
        if (m) {
          size_t p2 = p + 1 + len;
          if (p2 < s.size() && (s[p2] == '/' || s[p2] == ' ' || s[p2] == '-')) {
            size_t n3 = read_num(s, p2 + 1, c);
            if (n3 == 4) {
              t.year = c, t.mon = m, t.mday = static_cast<int>(a);
              have_date = have_year = true;
              continue;
            }
          }
        }
      }
      // MM/DD/YYYY
      if (n <= 2 && p < s.size() && s[p] == '/') {
        size_t n2 = read_num(s, p + 1, b);
        size_t p2 = p + 1 + n2;
        if (n2 >= 1 && n2 <= 2 && p2 < s.size() && s[p2] == '/') {
          size_t n3 = read_num(s, p2 + 1, c);
          if (n3 == 4 || n3 == 2) {
            t.year = n3 == 2 ? (c < 69 ? 2000 + c : 1900 + c) : c;
            t.mon = static_cast<int>(a), t.mday = static_cast<int>(b);
            have_date = have_year = true;
            continue;
          }
        }
      }
    } else if (std::isalpha(static_cast<unsigned char>(s[i])) &&
               (i == 0 || !std::isalpha(static_cast<unsigned char>(s[i - 1])))) {
      int m = month_from_name(s, i, len);
      if (m) {
        size_t p = i + len;
        while (p < s.size() && (s[p] == ' ' || s[p] == '.')) ++p;
        size_t n = read_num(s, p, a);
        if (n >= 1 && n <= 2) {
          t.mon = m, t.mday = static_cast<int>(a);
          have_date = true;
          size_t p2 = p + n;
          if (p2 < s.size() && s[p2] == ',') ++p2;
          while (p2 < s.size() && s[p2] == ' ') ++p2;
          int64_t y = 0;
          if (read_num(s, p2, y) == 4 && !(p2 + 4 < s.size() && s[p2 + 4] == ':')) {
            t.year = y;
            have_year = true;
          }
        }
      }
    }
  }
  // Pass 2: the time of day hh:mm[:ss[.frac]] [am|pm].
  for (size_t i = 0; i < s.size() && !have_time; ++i) {
    if (!digit(s[i]) || (i > 0 && digit(s[i - 1]))) continue;
    int64_t h = 0, m = 0, sec = 0;
    size_t n = read_num(s, i, h);
    size_t p = i + n;
    if (n < 1 || n > 2 || p >= s.size() || s[p] != ':') continue;
    size_t n2 = read_num(s, p + 1, m);
    if (n2 != 2) continue;
    p = p + 1 + n2;
    if (p < s.size() && s[p] == ':') {
      size_t n3 = read_num(s, p + 1, sec);
      if (n3 == 2) {
        p = p + 1 + n3;
        if (p + 1 < s.size() && (s[p] == '.' || s[p] == ',') && digit(s[p + 1])) {
          ++p;
          size_t fs = p;
          uint64_t ns = 0;
          while (p < s.size() && digit(s[p])) {
            if (p - fs < 9) ns = ns * 10 + (s[p] - '0');
            ++p;
          }
          for (size_t k = p - fs; k < 9; ++k) ns *= 10;
          t.nsec = static_cast<uint32_t>(ns);
        }
      }
    }
    if (h > 24 || m > 59 || sec > 60) continue;
    t.hour = static_cast<int>(h), t.min = static_cast<int>(m), t.sec = static_cast<int>(sec);
    size_t q = p;
    while (q < s.size() && s[q] == ' ') ++q;
    if (s.size() - q >= 2) {
      char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[q])));
      char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s[q + 1])));
      if ((a == 'a' || a == 'p') && b == 'm' &&
          (q + 2 == s.size() || !std::isalpha(static_cast<unsigned char>(s[q + 2])))) {
        t.hour = t.hour % 12 + (a == 'p' ? 12 : 0);
        p = q + 2;
      }
    }
    have_time = true;
    time_end = p;
  }
  if (!have_date && !have_time) return false;
  // Zone right after the time (or after the date when there is no time).
  if (have_time && time_end != std::string_view::npos) {
    size_t q = time_end;
    while (q < s.size() && s[q] == ' ') ++q;
    int32_t off = 0;
    size_t used = 0;
    if (q < s.size() && timefmt::parse_zone_offset(s.substr(q), true, off, used)) {
      t.has_offset = true;
      t.offset = off;
    }
  }
  if (!have_date) {
    // Today in the interpretation zone.
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    int64_t local = now + (t.has_offset ? t.offset : zone_.offset_at(now));
    time_t lt = static_cast<time_t>(local);
    struct tm tm {};
    gmtime_r(&lt, &tm);
    t.year = tm.tm_year + 1900, t.mon = tm.tm_mon + 1, t.mday = tm.tm_mday;
    have_year = true;
  }
  t.has_year = have_year;
  if (t.mon < 1 || t.mon > 12 || t.mday < 1 || t.mday > 31) return false;
  out = EventTime{static_cast<uint32_t>(to_epoch(t, false)), t.nsec};
  return true;
}

}  // namespace shipper
