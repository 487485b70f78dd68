#pragma once
// Ruby's lenient number conversions (String#to_i, String#to_f), which Fluentd applies to config
// values and to `types` conversions of parsed fields: the longest numeric prefix, 0 for garbage.
#include <cstdint>
#include <string_view>

namespace shipper {

int64_t ruby_to_i(std::string_view s);
double ruby_to_f(std::string_view s);

}  // namespace shipper
