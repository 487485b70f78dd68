#pragma once
// The command line's commands: run, --dry-run (lint), --show-config, --describe, --list-plugins,
// --version, --help, --setup. main() only calls run_app.
#include <string>
#include <vector>

#include "app/command_line.hpp"
#include "config/dump.hpp"
#include "config/loader.hpp"
#include "engine/registry.hpp"

namespace shipper::app {

int run_app(int argc, char** argv);

// A loaded and linted config. The dump types point into `loaded.root`, so this is not copied.
struct CheckedConfig {
  config::LoadedConfig loaded;
  config::Diagnostics diags;  // the loader's and the linter's, sorted, without repeats
  config::DumpTypes types;
  bool parse_failed = false;
  CheckedConfig() = default;
  CheckedConfig(const CheckedConfig&) = delete;
  CheckedConfig& operator=(const CheckedConfig&) = delete;
};
void check_config(const RunOptions& run, const Registry& registry, CheckedConfig& out);

int command_dry_run(const CommandLine& cli, const Registry& registry);
int command_show_config(const CommandLine& cli, const Registry& registry);
int command_describe(const std::string& what, const Registry& registry);
int command_list_plugins(const Registry& registry);
int command_setup(const std::string& dir);
// `shipper status [--url URL] [--check-live|--check-ready]` (args after "status").
int command_status(const std::vector<std::string>& args);
// --health-endpoint: sets run.start_services/stop_services to serve the health endpoints.
void attach_health_endpoint(RunOptions& run);

// Text of --describe (for tests); empty with `error` set when the type is unknown or ambiguous.
std::string describe_text(const std::string& what, const Registry& registry, std::string& error);
std::string list_plugins_text(const Registry& registry);

// The log level -v/-q select, counted from info and capped at trace and error.
LogLevel log_level_for(int verbosity);

}  // namespace shipper::app
