#pragma once
// msgpack → JSON the way Fluentd's formatters print records: compact, keys in stored order,
// non-ASCII written as raw UTF-8, '/' not escaped, control characters escaped, floats as Ruby
// prints them (1.0, 1.0e+20). Walks the msgpack bytes once; builds no DOM.
#include <string>
#include <string_view>

#include "core/json_escape.hpp"  // append_json_string

namespace shipper {

// Appends the JSON text of the one msgpack object at the start of `msgpack`. False when the bytes
// are malformed (then `out` holds a partial text the caller should discard).
bool append_msgpack_as_json(std::string_view msgpack, std::string& out);

// Ruby's Float#to_s: shortest round-trip digits, ".0" for whole numbers, exponent form outside
// 1e-4 <= |v| < 1e16 ("1.0e+16", "1.0e-05").
void append_ruby_float(double v, std::string& out);

}  // namespace shipper

namespace shipper {

// Appends the value the way Ruby's `to_s` shows it in text formats (ltsv, csv, single_value):
// strings raw, nil empty, numbers as Ruby prints them, arrays and maps as JSON.
bool append_msgpack_as_text(std::string_view msgpack, std::string& out);

}  // namespace shipper
