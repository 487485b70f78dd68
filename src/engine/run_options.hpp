#pragma once
// What the command line hands to the engine and the linter (Fluentd's flags, parsed in src/app).
#include <string>
#include <vector>

namespace shipper {

struct RunOptions {
  std::string config_path = "/fluentd/etc/fluent.conf";
  std::string config_file_type = "guess";  // guess | yaml | yml
  std::string inline_config;               // -i text, "\n" sequences already turned into newlines
  std::vector<std::string> plugin_dirs;    // -p: accepted; Ruby plugins there cannot load
  int verbosity = 0;                       // +1 per -v, -1 per -q (from info)
  bool verbosity_given = false;            // CLI level wins over <system> log_level only if given
  std::string log_path;                    // -o; empty = stdout
  bool suppress_config_dump = false;
  bool strict_config_value = false;
  bool without_source = false;
  bool dry_run = false;
  std::string lint_format = "text";        // text | json
  bool no_supervisor = false;              // accepted; shipper is always a single process
  int workers = 0;                         // 0 = from <system>
};

}  // namespace shipper
