#pragma once
// JSON string escaping, the one implementation used wherever shipper writes JSON text: records
// (formatters, msgpack → JSON) and values re-serialised from fluent.conf and YAML configs.
//
// It escapes what Ruby's JSON generator escapes by default, so output matches Fluentd's byte for
// byte: `"` and `\`, the control characters below 0x20 (\b \f \n \r \t by name, the rest as
// \u00XX with lowercase hex). Everything else is copied as is: '/' is not escaped, DEL (0x7f)
// and non-ASCII UTF-8 stay raw, and invalid UTF-8 passes through unchanged (no replacement
// character, no error), so a record is never lost for its encoding.
#include <string>
#include <string_view>

namespace shipper {

// Appends `s` escaped as the inside of a JSON string literal (without the quotes).
void append_json_escaped(std::string_view s, std::string& out);

// Appends `s` as a JSON string literal (with the quotes).
void append_json_string(std::string_view s, std::string& out);

}  // namespace shipper
