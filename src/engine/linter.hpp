#pragma once
// The linter: everything `--dry-run` checks, and more than Fluentd's dry run does. Used by the
// dry-run command, by the engine before it starts, and before a reload swaps the pipeline.
#include "config/diagnostic.hpp"
#include "config/dump.hpp"
#include "config/element.hpp"
#include "engine/registry.hpp"

namespace shipper {

struct LintOptions {
  bool strict_config_value = false;
  bool without_source = false;
  int workers = 0;  // --workers; 0 = from <system>
};

// Checks a loaded config tree: directives, plugin types, every plugin's parameters and sections
// through its schema (binding them as the engine would), labels, routing reachability, shared
// pos_file / buffer paths. Adds diagnostics; never throws.
void lint_config(const config::Element& root, const Registry& registry, const LintOptions& options,
                 config::Diagnostics& diags);

// The same, also recording which schema consumed each element, for the config dump.
void lint_config(const config::Element& root, const Registry& registry, const LintOptions& options,
                 config::Diagnostics& diags, config::DumpTypes* dump_types);

// Sorts diagnostics by file position and drops repeats (the same finding reported by a plugin's
// own configure and by the linter's walk).
void normalize_diagnostics(config::Diagnostics& diags);

}  // namespace shipper
