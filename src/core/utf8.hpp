#pragma once
// UTF-8 helpers for text that arrives as bytes.
#include <string>
#include <string_view>

namespace shipper {

// Copies `s` replacing every byte that does not start a valid UTF-8 sequence by `replacement`
// (Ruby's String#scrub: U+FFFD by default, String#scrub('?') with "?").
std::string scrub_utf8(std::string_view s, std::string_view replacement = "\xef\xbf\xbd");
// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i);
// Offset of the first byte that is not part of a valid UTF-8 sequence, or npos.
size_t first_invalid_utf8(std::string_view s);
inline bool is_valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

}  // namespace shipper
