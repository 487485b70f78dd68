#pragma once
// The character classes of Fluentd's strptime dialect, shared by compiling a format
// (strptime_compile.cpp) and matching input against it (strptime.cpp): a space in the format
// matches what is_space accepts in the input. ASCII only, independent of the C locale.
namespace shipper::timefmt {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace shipper::timefmt
