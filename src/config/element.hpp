#pragma once
// The element tree every config format is turned into: the same shape Fluentd's v1 parser
// produces. Every element and every value keeps where it was written.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/location.hpp"

namespace shipper::config {

// How a value was written; the dump and a few type rules depend on it.
enum class ValueForm { kUnquoted, kDoubleQuoted, kSingleQuoted, kJson, kNone /* key alone */ };

struct Param {
  std::string key;
  std::string value;
  Location key_loc;
  Location value_loc;
  ValueForm form = ValueForm::kUnquoted;
  bool is_nil = false;       // "#{use_nil}" made the whole value nil
  bool use_default = false;  // "#{use_default}": take the parameter's declared default
  mutable bool used = false; // set when a plugin schema read it (for "not used" warnings)
};

struct Element {
  std::string name;  // "ROOT", "source", "match", "parse", …
  std::string arg;   // text between the name and '>', trimmed ("" when none)
  Location loc;      // where '<' of the opening tag is
  Location arg_loc;
  std::vector<Param> params;      // first-occurrence order; duplicates collapse to the last value
  std::vector<Element> children;  // nested sections in file order
  mutable bool used = false;

  const Param* find(std::string_view key) const {
    for (const auto& p : params)
      if (p.key == key) return &p;
    return nullptr;
  }
  Param* find(std::string_view key) {
    for (auto& p : params)
      if (p.key == key) return &p;
    return nullptr;
  }
  // Sets or replaces a parameter the way a duplicated key does (last wins, first position kept).
  void set(Param p) {
    if (Param* existing = find(p.key)) {
      Location first = existing->key_loc;
      *existing = std::move(p);
      existing->key_loc = first;
    } else {
      params.push_back(std::move(p));
    }
  }
  std::optional<std::string> value_of(std::string_view key) const {
    const Param* p = find(key);
    if (!p || p->is_nil) return std::nullopt;
    return p->value;
  }
  // @type, with the deprecated `type` spelling as a fallback.
  std::string type() const {
    if (auto v = value_of("@type")) return *v;
    if (auto v = value_of("type")) return *v;
    return {};
  }
};

}  // namespace shipper::config
