#pragma once
// What the command line hands to the engine and the linter (Fluentd's flags, parsed in src/app).
#include <functional>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace boost::asio {
class io_context;
}

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
  std::string health_endpoint;             // --health-endpoint HOST:PORT; empty = none
  double health_live_timeout = 10;         // --health-live-timeout: seconds without a loop tick
  // Services the command line runs beside the pipeline on the engine's I/O context (the
  // --health-endpoint server, which lives in a later layer than the engine): started before the
  // pipeline is built (an error stops the process), stopped after the pipeline stopped.
  std::function<Status(boost::asio::io_context&)> start_services;
  std::function<void()> stop_services;
};

}  // namespace shipper
