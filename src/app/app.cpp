#include "app/app.hpp"

#include <cstdio>
#include <iostream>
#include <iterator>

#include "engine/engine.hpp"

namespace shipper::app {

LogLevel log_level_for(int verbosity) {
  int level = static_cast<int>(LogLevel::kInfo) - verbosity;
  if (level < static_cast<int>(LogLevel::kTrace)) level = static_cast<int>(LogLevel::kTrace);
  if (level > static_cast<int>(LogLevel::kError)) level = static_cast<int>(LogLevel::kError);
  return static_cast<LogLevel>(level);
}

namespace {

// Sets up the log for run and dry-run and prints the notices about flags without effect.
bool setup_log(CommandLine& cli) {
  LogSink& sink = LogSink::instance();
  sink.set_level(log_level_for(cli.run.verbosity));
  if (!cli.run.log_path.empty() && !sink.open_file(cli.run.log_path)) {
    std::fprintf(stderr, "shipper: cannot open log file %s\n", cli.run.log_path.c_str());
    return false;
  }
  if (cli.run.inline_config == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    cli.run.inline_config = text;
    cli.notices.push_back(
        {LogLevel::kWarn, "reading inline config from stdin (-i -) is deprecated"});
  }
  Logger log;
  for (const auto& n : cli.notices) log.log(n.level, n.message);
  return true;
}

}  // namespace

int run_app(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "status")
    return command_status(std::vector<std::string>(args.begin() + 1, args.end()));
  ParseResult parsed = parse_command_line(args, process_environment());
  if (!parsed.ok) {
    std::fputs(parsed.output.c_str(), stdout);
    return parsed.exit_code;
  }
  CommandLine& cli = parsed.cli;
  if (cli.run.no_supervisor && cli.run.workers > 1 &&
      (cli.command == Command::kRun || cli.command == Command::kDryRun)) {
    std::fputs("Error: multi workers is not supported with --no-supervisor\n", stdout);
    return 2;
  }
  const Registry& registry = Registry::builtin();
  switch (cli.command) {
    case Command::kVersion:
      std::fputs(version_text().c_str(), stdout);
      return 0;
    case Command::kHelp:
      std::fputs(usage_text().c_str(), stdout);
      return 0;
    case Command::kShowPluginConfig:
      Logger().info("show_plugin_config option is deprecated. Use shipper --describe " +
                    cli.describe_type);
      return 0;
    case Command::kDescribe:
      return command_describe(cli.describe_type, registry);
    case Command::kListPlugins:
      return command_list_plugins(registry);
    case Command::kSetup:
      return command_setup(cli.setup_dir);
    case Command::kShowConfig:
      // stdout carries the dump alone; what plugins log while configuring goes to stderr.
      if (cli.run.log_path.empty()) cli.run.log_path = "/dev/stderr";
      if (!setup_log(cli)) return 1;
      return command_show_config(cli, registry);
    case Command::kDryRun:
      if (!setup_log(cli)) return 1;
      return command_dry_run(cli, registry);
    case Command::kRun:
      if (!setup_log(cli)) return 1;
      attach_health_endpoint(cli.run);
      return run_engine(cli.run);
  }
  return 1;
}

}  // namespace shipper::app
