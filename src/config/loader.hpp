#pragma once
// Loading a configuration: the v1 text format (`fluent.conf`) or YAML (`fluent.yaml`), turned
// into the one element tree the rest of shipper reads. Every problem becomes a Diagnostic with
// file:line:column; nothing here throws.
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/element.hpp"

namespace shipper::config {

struct LoadOptions {
  std::string path;
  std::string file_type = "guess";  // guess | yaml | yml
  std::string inline_config;        // -i text (appended to a v1 file; ignored for YAML)
};

struct LoadedConfig {
  Element root;  // name "ROOT"
  Diagnostics diags;
  bool ok() const { return !diags.has_errors(); }
};

LoadedConfig load_config(const LoadOptions& options);  // never throws

// Parses v1 text (used by tests and by -i); `file` names it in locations; includes resolve
// against `base_dir`.
Element parse_text(std::string_view text, const std::string& file, const std::string& base_dir,
                   Diagnostics& diags);

}  // namespace shipper::config
