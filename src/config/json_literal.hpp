#pragma once
// JSON values written directly in fluent.conf (`key [..]`, `key {..}`): finding where the value
// ends the way Fluentd does (reading on, across lines, until the text is complete JSON, with its
// `#` comment heuristic) and re-serialising it compactly the way Ruby's JSON.dump does.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace shipper::config {

// Ruby's JSON parser refuses documents nested deeper than this (max_nesting); both the scan and
// json_compact enforce it.
inline constexpr size_t kJsonMaxNesting = 100;

struct JsonScan {
  bool complete = false;  // a whole JSON value was found
  size_t end = 0;         // offset just past the value (or where scanning stopped)
  std::string text;       // the value's text with comments removed (input of json_compact)
  std::string error;      // why it is not complete JSON
  size_t error_offset = 0;
};

// `text` starts at the opening '[' or '{'. Follows Fluentd's scanner: characters are read until
// the accumulated text parses; a '#' outside a JSON string starts a comment only when the text
// so far, with one trailing comma removed, would already be valid once closed.
// `embed`, when given, evaluates a "#{code}" found inside a JSON string (Fluentd >= 1.18);
// `code_offset` is where the code starts in `text`. Its result is inserted JSON-escaped.
using JsonEmbedFn = std::function<std::string(std::string_view code, size_t code_offset)>;
JsonScan scan_json_literal(std::string_view text, const JsonEmbedFn& embed = nullptr);

// Parses `json` and writes it back compactly as Ruby's JSON.dump would (duplicate keys: last
// value at the first position; floats in Ruby's notation). Returns false with *error on bad JSON.
bool json_compact(std::string_view json, std::string* out, std::string* error);

// Ruby's Float#to_s: shortest round-trip digits, "1.0", "1.0e+20", "1.0e-05".
std::string ruby_float_to_s(double v);

}  // namespace shipper::config
