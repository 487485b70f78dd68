#pragma once
// Fluentd's parameter value types, converted exactly as Fluentd converts them (spec §2.3),
// lenient by default and strict with --strict-config-value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shipper::config {

enum class ParamType { kString, kInteger, kFloat, kSize, kTime, kBool, kEnum, kArray, kHash, kRegexp };
const char* param_type_name(ParamType t);

// `size` values: bytes.
struct ByteSize {
  uint64_t bytes = 0;
  friend bool operator==(const ByteSize&, const ByteSize&) = default;
};
// `time` values: seconds (Fluentd keeps them as Integer or Float; both fit in a double).
struct Duration {
  double seconds = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};
struct RegexpValue {
  std::string source;  // the pattern as Ruby wrote it (named groups still in (?<name>…) form)
  bool ignore_case = false;
  bool multiline = false;
  friend bool operator==(const RegexpValue&, const RegexpValue&) = default;
};
using ArrayValue = std::vector<std::string>;
using HashValue = std::vector<std::pair<std::string, std::optional<std::string>>>;  // in order

// Each returns the converted value, or nullopt with *error set to Fluentd's message (without the
// parameter name prefix, which the caller adds). A lenient conversion never fails except where
// Fluentd's does (bool → nil, enum, array/hash shape).
struct ConvertError {
  std::string message;
};

std::optional<int64_t> to_integer(std::string_view v, bool strict, ConvertError* err);
std::optional<double> to_float(std::string_view v, bool strict, ConvertError* err);
std::optional<ByteSize> to_size(std::string_view v, bool strict, ConvertError* err);
std::optional<Duration> to_duration(std::string_view v, bool strict, ConvertError* err);
// Returns nullopt for a value Fluentd turns into nil (lenient) or rejects (strict: err set).
std::optional<bool> to_bool(std::string_view v, bool strict, ConvertError* err);
std::optional<ArrayValue> to_array(std::string_view v, ConvertError* err);
std::optional<HashValue> to_hash(std::string_view v, ConvertError* err);
std::optional<RegexpValue> to_regexp(std::string_view v, ConvertError* err);

}  // namespace shipper::config
