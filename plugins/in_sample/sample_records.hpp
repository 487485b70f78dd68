#pragma once
// The `sample` parameter of in_sample: a JSON object or an array of objects, turned into msgpack
// once at configure time.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shipper::in_sample {

// One sample record as its map entries (each key and value as msgpack bytes), so that
// auto_increment_key can replace or append one entry without decoding the rest.
struct SampleRecord {
  std::vector<std::pair<std::string, std::string>> entries;  // key bytes, value bytes
  std::vector<std::string> keys;                             // the keys as text
};

// Parses `json`; on error returns false with Fluentd's message in `error`.
bool parse_sample(std::string_view json, std::vector<SampleRecord>& out, std::string& error);

}  // namespace shipper::in_sample
