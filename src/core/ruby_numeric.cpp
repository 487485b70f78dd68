#include "core/ruby_numeric.hpp"

#include <cctype>
#include <cstdlib>
#include <string>

namespace shipper {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

// Ruby String#to_i: optional leading whitespace and sign, then digits with single underscores
// between them; stops at the first other character; no digits gives 0.
int64_t ruby_to_i(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int64_t v = 0;
  bool any = false;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      v = v * 10 + (s[i] - '0');
      any = true;
    } else if (s[i] == '_' && any && i + 1 < s.size() && is_digit(s[i + 1])) {
      // underscore between digits
    } else {
      break;
    }
    ++i;
  }
  return neg ? -v : v;
}

// Ruby String#to_f: the longest leading decimal float (underscores between digits allowed).
double ruby_to_f(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  std::string clean;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
  auto digits = [&] {
    bool any = false;
    while (i < s.size()) {
      if (is_digit(s[i])) {
        clean += s[i];
        any = true;
      } else if (s[i] == '_' && any && i + 1 < s.size() && is_digit(s[i + 1])) {
      } else {
        break;
      }
      ++i;
    }
    return any;
  };
  // Ruby accepts a fraction without integer digits (".5".to_f is 0.5).
  bool int_digits = digits();
  if (!int_digits && !(i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1]))) return 0.0;
  if (!int_digits) clean += '0';
  if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
    clean += s[i++];
    digits();
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t save = i;
    std::string save_clean = clean;
    clean += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean += s[i++];
    if (!digits()) {
      i = save;
      clean = save_clean;
    }
  }
  return std::strtod(clean.c_str(), nullptr);
}

}  // namespace shipper
