#pragma once
// YAML configurations (fluent.yaml) mapped onto the same element tree as the v1 text format.
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/element.hpp"

namespace shipper::config {

// Loads YAML text; `file` names it in locations and anchors relative `!include`s.
Element load_yaml_config(std::string_view text, const std::string& file, Diagnostics& diags);

}  // namespace shipper::config
