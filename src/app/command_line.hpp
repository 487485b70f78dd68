#pragma once
// Fluentd's command line, parsed with Ruby OptionParser's rules: `--opt VALUE` and `--opt=VALUE`,
// `-cPATH`, clustered short flags (`-vv`), unique prefixes of long options (`--dry` = `--dry-run`).
// Usage and option errors go to stdout, as fluentd prints them.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/log.hpp"
#include "engine/run_options.hpp"

namespace shipper::app {

enum class Command {
  kRun,
  kDryRun,
  kVersion,
  kHelp,
  kDescribe,
  kListPlugins,
  kShowConfig,
  kSetup,
  kShowPluginConfig,
};

// A line to log once logging is set up: flags that are accepted but change nothing in shipper.
struct Notice {
  LogLevel level = LogLevel::kInfo;
  std::string message;
};

struct CommandLine {
  Command command = Command::kRun;
  RunOptions run;
  std::string describe_type;  // --describe TYPE or KIND:TYPE
  std::string setup_dir;      // -s [DIR]
  bool under_supervisor = false;
  bool daemon = false;
  std::string pid_file;
  std::vector<Notice> notices;
};

struct ParseResult {
  bool ok = true;
  int exit_code = 0;   // when !ok: what the process exits with
  std::string output;  // when !ok: text for stdout (usage and/or "error: …")
  CommandLine cli;
};

// `args` excludes argv[0]. `env` provides FLUENT_CONF (and is injectable for tests).
ParseResult parse_command_line(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env);
// Reads the environment variables parse_command_line looks at.
std::map<std::string, std::string> process_environment();

std::string usage_text();
std::string version_text();

}  // namespace shipper::app
