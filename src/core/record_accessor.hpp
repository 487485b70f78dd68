#pragma once
// Fluentd's record accessor (spec §6): `key`, `$.a.b`, `$.a[0].b`, `$['a.b']['c']`, `$[0]`.
// Compiled once at configure time; reads and deletes work on msgpack records in place.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_view.hpp"
#include "core/status.hpp"

namespace shipper {

class RecordAccessor {
 public:
  struct Step {
    bool is_index = false;
    std::string key;
    int64_t index = 0;
  };
  enum class Lookup {
    kFound,    // `out` holds the value
    kMissing,  // a key or index is absent (Ruby: nil)
    kError,    // stepped into a scalar (Ruby raises TypeError; grep keeps the event)
  };

  RecordAccessor() = default;
  // Parses a path with Fluentd's rules and its ConfigError texts on failure.
  static Result<RecordAccessor> parse(std::string_view path);

  Lookup get(const MpValue& record, MpValue& out) const;
  // Writes `record` without the path's last key (or array element) into `out` and returns true;
  // returns false (and writes nothing) when there is nothing to delete: missing path, scalar
  // parent.
  bool remove(const MpValue& record, std::string& out) const;

  // A single top-level key (`log`, `$.log`, `$['log']`): the common fast case.
  bool is_top_level() const { return steps_.size() == 1 && !steps_[0].is_index; }
  const std::string& top_key() const { return steps_[0].key; }
  const std::vector<Step>& steps() const { return steps_; }
  const std::string& source() const { return source_; }

 private:
  std::vector<Step> steps_;
  std::string source_;
};

}  // namespace shipper
