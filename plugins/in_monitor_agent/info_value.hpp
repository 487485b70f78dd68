#pragma once
// The value monitor_agent reports are built from: JSON's shapes with the key order kept, so the
// same tree renders as Fluentd's JSON (compact or pretty), its LTSV-like text, and msgpack records.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/msgpack_writer.hpp"

namespace shipper::in_monitor_agent {

class InfoValue {
 public:
  using Array = std::vector<InfoValue>;
  using Object = std::vector<std::pair<std::string, InfoValue>>;

  InfoValue() = default;                             // null
  InfoValue(bool b) : v_(b) {}                       // NOLINT
  InfoValue(int64_t i) : v_(i) {}                    // NOLINT
  InfoValue(int i) : v_(static_cast<int64_t>(i)) {}  // NOLINT
  InfoValue(double d) : v_(d) {}                     // NOLINT
  InfoValue(std::string s) : v_(std::move(s)) {}     // NOLINT
  InfoValue(const char* s) : v_(std::string(s)) {}   // NOLINT
  InfoValue(Array a) : v_(std::move(a)) {}           // NOLINT
  InfoValue(Object o) : v_(std::move(o)) {}          // NOLINT
  static InfoValue object() { return InfoValue(Object{}); }
  static InfoValue array() { return InfoValue(Array{}); }
  // A count kept as a double in PluginReport: an integer when it has no fraction.
  static InfoValue count(double v);

  bool is_null() const { return v_.index() == 0; }
  bool is_container() const { return v_.index() >= 5; }
  // Objects: sets `key` (replacing the value in place when present, as Ruby's Hash does).
  InfoValue& set(std::string_view key, InfoValue value);
  const InfoValue* find(std::string_view key) const;
  // Arrays: appends.
  void push(InfoValue value);
  const Object* as_object() const { return std::get_if<Object>(&v_); }
  const Array* as_array() const { return std::get_if<Array>(&v_); }

  // Ruby's to_json (compact) or JSON.pretty_generate (two-space indent).
  std::string to_json(bool pretty = false) const;
  // Ruby's "#{value}" after a JSON round trip: nil is empty, arrays print as Ruby's inspect.
  std::string to_text() const;
  void to_msgpack(MsgpackWriter& w) const;

 private:
  void write_json(std::string& out, bool pretty, int depth) const;
  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Object> v_;
};

// Fluentd's LTSV-like text: one line per object, `key:value` joined by tabs, nested objects and
// arrays left out.
std::string ltsv_line(const InfoValue& object);

}  // namespace shipper::in_monitor_agent
