#pragma once
// UTF-8 helpers for text that arrives as bytes.
#include <string>
#include <string_view>

namespace shipper {

// Copies `s` replacing every invalid UTF-8 sequence by U+FFFD (as Ruby's String#scrub does).
std::string scrub_utf8(std::string_view s);
// Length of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view s, size_t i);

}  // namespace shipper
