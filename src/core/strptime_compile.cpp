// Compiling a strptime format into steps, and deciding which dialect it follows (strptime.cpp
// matches input against the steps). Runs once per configured format, never per line.
#include <cstring>
#include <string>

#include "core/strptime.hpp"
#include "core/strptime_chars.hpp"

namespace shipper::timefmt {

Strptime::Strptime(std::string_view format) : format_(format) {
  compile(format);
}

void Strptime::compile(std::string_view f) {
  auto add = [&](Op op, int width = 0) { steps_.push_back({op, width, {}}); };
  auto literal = [&](char c) {
    if (!steps_.empty() && steps_.back().op == Op::kLiteral)
      steps_.back().literal += c;
    else
      steps_.push_back({Op::kLiteral, 0, std::string(1, c)});
  };
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (is_space(c)) {
      if (steps_.empty() || steps_.back().op != Op::kSpace) add(Op::kSpace);
      continue;
    }
    if (c != '%' || i + 1 >= f.size()) {
      literal(c);
      continue;
    }
    size_t j = i + 1;
    bool flags = false;
    while (j < f.size() && std::strchr("-_0^#", f[j])) {
      flags = true;
      ++j;
    }
    int width = 0;
    while (j < f.size() && is_digit(f[j])) width = width * 10 + (f[j++] - '0');
    bool colon = false;
    while (j < f.size() && f[j] == ':') {
      colon = true;
      ++j;
    }
    if (j >= f.size()) {
      literal('%');
      continue;
    }
    char d = f[j];
    i = j;
    bool fast_directive = !flags && width == 0 && !colon;
    switch (d) {
      case 'Y':
        add(Op::kYear, width);
        has_year_ = true;
        break;
      case 'y':
        add(Op::kYear2, width);
        has_year_ = true;
        break;
      case 'C':
        add(Op::kCentury, width);
        fast_directive = false;
        break;
      case 'm':
        add(Op::kMonth, width);
        break;
      case 'b':
      case 'h':
      case 'B':
        add(Op::kMonthName);
        break;
      case 'd':
      case 'e':
        add(Op::kDay, width);
        break;
      case 'j':
        add(Op::kYday, width);
        fast_directive = false;
        break;
      case 'H':
        add(Op::kHour, width);
        break;
      case 'k':
        add(Op::kHour, width);
        fast_directive = false;
        break;
      case 'I':
      case 'l':
        add(Op::kHour12, width);
        fast_directive = false;
        break;
      case 'M':
        add(Op::kMinute, width);
        break;
      case 'S':
        add(Op::kSecond, width);
        break;
      case 'N':
        add(Op::kFraction, width);
        break;
      case 'L':
        add(Op::kFraction, width);
        fast_directive = false;
        break;
      case 'z':
        add(Op::kZone);
        has_zone_ = true;
        break;
      case 'Z':
        add(Op::kZoneName);
        has_zone_ = true;
        fast_directive = false;
        break;
      case 's':
        add(Op::kEpoch);
        fast_directive = false;
        break;
      case 'Q':
        add(Op::kEpochMs);
        fast_directive = false;
        break;
      case 'a':
      case 'A':
        add(Op::kWeekdayName);
        fast_directive = false;
        break;
      case 'u':
      case 'w':
        add(Op::kWeekdayNum);
        fast_directive = false;
        break;
      case 'U':
      case 'W':
      case 'V':
      case 'G':
      case 'g':
        add(Op::kWeekNum);
        fast_directive = false;
        break;
      case 'p':
      case 'P':
        add(Op::kAmPm);
        fast_directive = false;
        break;
      case 'n':
      case 't':
        add(Op::kSpace);
        if (d == 't') fast_directive = false;
        break;
      case '%':
        literal('%');
        fast_directive = false;
        break;
      // Composite directives expand to their parts (Ruby fallback only).
      case 'T':
      case 'X':
        add(Op::kHour);
        literal(':');
        add(Op::kMinute);
        literal(':');
        add(Op::kSecond);
        fast_directive = false;
        break;
      case 'R':
        add(Op::kHour);
        literal(':');
        add(Op::kMinute);
        fast_directive = false;
        break;
      case 'r':
        add(Op::kHour12);
        literal(':');
        add(Op::kMinute);
        literal(':');
        add(Op::kSecond);
        add(Op::kSpace);
        add(Op::kAmPm);
        fast_directive = false;
        break;
      case 'F':
        add(Op::kYear);
        literal('-');
        add(Op::kMonth);
        literal('-');
        add(Op::kDay);
        has_year_ = true;
        fast_directive = false;
        break;
      case 'D':
      case 'x':
        add(Op::kMonth);
        literal('/');
        add(Op::kDay);
        literal('/');
        add(Op::kYear2);
        has_year_ = true;
        fast_directive = false;
        break;
      case 'c':
        add(Op::kWeekdayName);
        add(Op::kSpace);
        add(Op::kMonthName);
        add(Op::kSpace);
        add(Op::kDay);
        add(Op::kSpace);
        add(Op::kHour);
        literal(':');
        add(Op::kMinute);
        literal(':');
        add(Op::kSecond);
        add(Op::kSpace);
        add(Op::kYear);
        has_year_ = true;
        fast_directive = false;
        break;
      default:
        // Unknown directive: Ruby matches it literally.
        literal('%');
        literal(d);
        fast_directive = false;
        break;
    }
    if (!fast_directive) fast_ = false;
  }
}

}  // namespace shipper::timefmt
