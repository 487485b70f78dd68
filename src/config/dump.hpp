#pragma once
// The config dump Fluentd logs at startup (`using configuration file: <ROOT>…`) and shipper prints
// for --show-config: the parsed tree in v1 syntax, two spaces per level, parameters before
// subsections, values rendered by the declared type of the parameter in the plugin that consumed
// the element (strings quoted and escaped, secrets masked, everything else raw).
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "config/element.hpp"
#include "config/schema.hpp"

namespace shipper::config {

// What the linter learnt about each element: the schema that consumed it, and whether it was a
// plugin section (<parse>, <buffer>, …), where `@type` is itself a declared string parameter.
struct DumpTypes {
  std::unordered_map<const Element*, const SectionSpec*> schemas;
  std::unordered_set<const Element*> plugin_sections;
  void clear() {
    schemas.clear();
    plugin_sections.clear();
  }
};

// Renders `e` (and its children) at `indent` levels. `types` may be null: then every value is raw.
std::string dump_element(const Element& e, const DumpTypes* types, int indent = 0);

// Fluentd's double-quoted rendering of a string parameter: `"` `'` `\` CR LF TAB FF BS escaped.
std::string dump_quote(const std::string& value);

}  // namespace shipper::config
