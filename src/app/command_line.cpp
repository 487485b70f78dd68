#include "app/command_line.hpp"

#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "io/http_server.hpp"

extern char** environ;

namespace shipper::app {

namespace {

enum class Arg { kNone, kRequired, kOptional };

struct OptionDef {
  const char* id;   // the long name, also the key the handler switches on
  char short_name;  // 0 when none
  Arg arg;
  const char* arg_name;  // for the usage text
  const char* help;
};

// Fluentd 1.19's options (plus shipper's own: --describe, --list-plugins, --show-config,
// --lint-format), in the order `fluentd --help` lists them.
const OptionDef kOptions[] = {
    {"setup", 's', Arg::kOptional, "[DIR]", "install sample configuration file to the directory"},
    {"config", 'c', Arg::kRequired, "PATH",
     "config file path (default: $FLUENT_CONF or /fluentd/etc/fluent.conf)"},
    {"dry-run", 0, Arg::kNone, "", "check the configuration file and exit (lint)"},
    {"show-plugin-config", 0, Arg::kRequired, "TYPE:NAME", "[DEPRECATED] use --describe"},
    {"plugin", 'p', Arg::kRequired, "DIR",
     "accepted for compatibility; Ruby plugins cannot be loaded"},
    {"inline-config", 'i', Arg::kRequired, "CONFIG_STRING",
     "inline config appended to the config file (\\n = newline)"},
    {"log", 'o', Arg::kRequired, "PATH", "log file path (default: stdout)"},
    {"log-rotate-age", 0, Arg::kRequired, "AGE", "accepted; shipper does not rotate its own log"},
    {"log-rotate-size", 0, Arg::kRequired, "BYTES",
     "accepted; shipper does not rotate its own log"},
    {"log-event-verbose", 0, Arg::kNone, "", "accepted; has no effect"},
    {"config-file-type", 0, Arg::kRequired, "VALUE", "guess (by extension), yaml or yml"},
    {"describe", 0, Arg::kRequired, "[KIND:]TYPE", "describe a plugin's parameters and sections"},
    {"list-plugins", 0, Arg::kNone, "", "list the built-in plugins"},
    {"show-config", 0, Arg::kNone, "", "print the resolved configuration (secrets masked)"},
    {"lint-format", 0, Arg::kRequired, "text|json", "how --dry-run prints diagnostics on stderr"},
    {"strict-config-value", 0, Arg::kNone, "", "parse config values strictly"},
    {"emit-error-log-interval", 0, Arg::kRequired, "SECONDS",
     "accepted; has no effect (as in fluentd)"},
    {"suppress-repeated-stacktrace", 0, Arg::kOptional, "[VALUE]", "accepted; has no effect"},
    {"without-source", 0, Arg::kNone, "", "invoke without any <source>"},
    {"with-source-only", 0, Arg::kNone, "", "not supported; accepted and ignored"},
    {"enable-input-metrics", 0, Arg::kNone, "", "accepted; has no effect"},
    {"disable-input-metrics", 0, Arg::kNone, "", "accepted; has no effect"},
    {"enable-size-metrics", 0, Arg::kNone, "", "accepted; has no effect"},
    {"use-v1-config", 0, Arg::kNone, "", "use the v1 config format (default)"},
    {"use-v0-config", 0, Arg::kNone, "", "not supported: the file is read as v1"},
    {"verbose", 'v', Arg::kNone, "", "increase verbosity (-v debug, -vv trace)"},
    {"quiet", 'q', Arg::kNone, "", "decrease verbosity (-q warn, -qq error)"},
    {"suppress-config-dump", 0, Arg::kNone, "", "don't print the configuration at startup"},
    {"daemon", 'd', Arg::kRequired, "PIDFILE", "accepted; shipper stays in the foreground"},
    {"no-supervisor", 0, Arg::kNone, "", "accepted; shipper is always a single process"},
    {"under-supervisor", 0, Arg::kNone, "", nullptr},
    {"workers", 0, Arg::kRequired, "NUM", "number of workers (overrides <system> workers)"},
    {"user", 0, Arg::kRequired, "USER", "accepted; run shipper as that user instead"},
    {"group", 0, Arg::kRequired, "GROUP", "accepted; run shipper as that group instead"},
    {"umask", 0, Arg::kRequired, "UMASK", "umask (octal), applied with --no-supervisor"},
    {"conf-encoding", 0, Arg::kRequired, "ENCODING", "accepted; config files are read as UTF-8"},
    {"disable-shared-socket", 0, Arg::kNone, "", "accepted; has no effect"},
    {"I", 'I', Arg::kRequired, "PATH", "accepted; Ruby load paths have no effect"},
    {"r", 'r', Arg::kRequired, "NAME", "accepted; Ruby libraries cannot be loaded"},
    {"gemfile", 'g', Arg::kRequired, "GEMFILE", "accepted; has no effect"},
    {"gem-path", 'G', Arg::kRequired, "GEM_INSTALL_PATH", "accepted; has no effect"},
    {"health-endpoint", 0, Arg::kRequired, "[HOST:]PORT",
     "serve /api/health and /api/ready on HOST:PORT (host default 127.0.0.1)"},
    {"health-live-timeout", 0, Arg::kRequired, "SECONDS",
     "seconds the event loop may stall before /api/health fails (default 10)"},
    {"version", 0, Arg::kNone, "", "show version and exit"},
    {"help", 'h', Arg::kNone, "", "show this help and exit"},
};

// -I and -r have no long form in fluentd.
bool has_long(const OptionDef& d) {
  std::string id = d.id;
  return id != "I" && id != "r";
}

struct Failure {
  int exit_code;
  std::string output;
};

std::string error_text(const std::string& message) {
  return usage_text() + "error: " + message + "\n";
}

// Finds a long option by exact name or unique prefix.
const OptionDef* find_long(const std::string& name, std::optional<Failure>& failure,
                           const std::string& as_typed) {
  std::vector<const OptionDef*> candidates;
  for (const auto& d : kOptions) {
    if (!has_long(d)) continue;
    std::string id = d.id;
    if (id == name) return &d;
    if (id.compare(0, name.size(), name) == 0) candidates.push_back(&d);
  }
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) {
    failure = Failure{1, error_text("invalid option: " + as_typed)};
  } else {
    std::string list;
    for (const auto* c : candidates) list += std::string(list.empty() ? "" : " ") + "--" + c->id;
    failure = Failure{1, error_text("ambiguous option: " + as_typed + " (" + list + ")")};
  }
  return nullptr;
}

const OptionDef* find_short(char c) {
  for (const auto& d : kOptions)
    if (d.short_name == c) return &d;
  return nullptr;
}

std::vector<std::string> ruby_files_in(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".rb") == 0) out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string replace_backslash_n(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool parse_int(const std::string& s, long& out, int base = 10) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtol(s.c_str(), &end, base);
  return end && *end == '\0';
}

void no_effect(CommandLine& cli, LogLevel level, const std::string& option,
               const std::string& why) {
  cli.notices.push_back({level, "option " + option + " has no effect in shipper: " + why});
}

// Applies one option; returns a failure to stop parsing.
std::optional<Failure> apply(const OptionDef& d, const std::string& as_typed,
                             const std::optional<std::string>& value, CommandLine& cli) {
  const std::string id = d.id;
  RunOptions& run = cli.run;
  const std::string v = value.value_or("");
  auto invalid_argument = [&] {
    return Failure{1, error_text("invalid argument: " + as_typed + " " + v)};
  };
  if (id == "setup") {
    cli.command = Command::kSetup;
    cli.setup_dir = v;
  } else if (id == "config") {
    run.config_path = v;
  } else if (id == "dry-run") {
    run.dry_run = true;
    if (cli.command == Command::kRun) cli.command = Command::kDryRun;
  } else if (id == "show-plugin-config") {
    cli.command = Command::kShowPluginConfig;
    cli.describe_type = v;
  } else if (id == "plugin") {
    run.plugin_dirs.push_back(v);
    auto rb = ruby_files_in(v);
    if (!rb.empty()) {
      std::string names;
      for (const auto& n : rb) names += (names.empty() ? "" : ", ") + n;
      cli.notices.push_back(
          {LogLevel::kWarn,
           "Ruby plugins cannot be loaded by shipper; ignoring " + names + " in " + v});
    }
  } else if (id == "inline-config") {
    run.inline_config = v;  // "-" (read from stdin) is resolved by the caller
    if (v != "-") run.inline_config = replace_backslash_n(v);
  } else if (id == "log") {
    run.log_path = v == "-" ? "" : v;
  } else if (id == "log-rotate-age") {
    long n;
    if (v != "daily" && v != "weekly" && v != "monthly" && !parse_int(v, n))
      return invalid_argument();
    no_effect(cli, LogLevel::kWarn, "--log-rotate-age",
              "rotate the log file externally and send SIGUSR1");
  } else if (id == "log-rotate-size") {
    no_effect(cli, LogLevel::kWarn, "--log-rotate-size",
              "rotate the log file externally and send SIGUSR1");
  } else if (id == "log-event-verbose") {
    no_effect(cli, LogLevel::kInfo, "--log-event-verbose", "log events stop at shutdown");
  } else if (id == "config-file-type") {
    if (v != "yaml" && v != "yml" && v != "guess")
      return Failure{1, error_text("--config-file-type accepts yaml/yml or guess")};
    run.config_file_type = v;
  } else if (id == "describe") {
    cli.command = Command::kDescribe;
    cli.describe_type = v;
  } else if (id == "list-plugins") {
    cli.command = Command::kListPlugins;
  } else if (id == "show-config") {
    cli.command = Command::kShowConfig;
  } else if (id == "lint-format") {
    if (v != "text" && v != "json")
      return Failure{1, error_text("--lint-format accepts text or json")};
    run.lint_format = v;
  } else if (id == "strict-config-value") {
    run.strict_config_value = true;
  } else if (id == "emit-error-log-interval") {
    no_effect(cli, LogLevel::kInfo, "--emit-error-log-interval", "it has none in fluentd either");
  } else if (id == "suppress-repeated-stacktrace") {
    if (value && *value != "true" && *value != "false") return invalid_argument();
    no_effect(cli, LogLevel::kInfo, "--suppress-repeated-stacktrace",
              "shipper logs no stack traces");
  } else if (id == "without-source") {
    run.without_source = true;
    cli.notices.push_back(
        {LogLevel::kInfo, "'--without-source' is applied. Ignore <source> sections"});
  } else if (id == "with-source-only") {
    no_effect(cli, LogLevel::kWarn, "--with-source-only", "every plugin is started");
  } else if (id == "enable-input-metrics" || id == "disable-input-metrics" ||
             id == "enable-size-metrics") {
    no_effect(cli, LogLevel::kInfo, "--" + id, "shipper keeps its own counters");
  } else if (id == "use-v1-config") {
    // the default
  } else if (id == "use-v0-config") {
    cli.notices.push_back(
        {LogLevel::kWarn, "the v0 config format is not supported; the file is read as v1"});
  } else if (id == "verbose") {
    run.verbosity += 1;
    run.verbosity_given = true;
  } else if (id == "quiet") {
    run.verbosity -= 1;
    run.verbosity_given = true;
  } else if (id == "suppress-config-dump") {
    run.suppress_config_dump = true;
  } else if (id == "daemon") {
    cli.daemon = true;
    cli.pid_file = v;
    no_effect(cli, LogLevel::kWarn, "--daemon",
              "it stays in the foreground (use systemd or a container runtime)");
  } else if (id == "no-supervisor") {
    run.no_supervisor = true;
  } else if (id == "under-supervisor") {
    cli.under_supervisor = true;
  } else if (id == "workers") {
    long n;
    if (!parse_int(v, n)) return invalid_argument();
    run.workers = static_cast<int>(n);
  } else if (id == "user" || id == "group") {
    no_effect(cli, LogLevel::kWarn, "--" + id, "start it as that " + id + " (e.g. docker run -u)");
  } else if (id == "umask") {
    long n;
    if (!parse_int(v, n, 8)) return invalid_argument();
    no_effect(cli, LogLevel::kInfo, "--umask", "the inherited umask is kept");
  } else if (id == "conf-encoding") {
    std::string lower;
    for (char c : v) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "utf-8" && lower != "utf8")
      no_effect(cli, LogLevel::kWarn, "--conf-encoding", "config files are read as UTF-8");
  } else if (id == "disable-shared-socket") {
    no_effect(cli, LogLevel::kInfo, "--disable-shared-socket", "there is a single process");
  } else if (id == "I" || id == "r" || id == "gemfile" || id == "gem-path") {
    no_effect(cli, LogLevel::kWarn, as_typed, "Ruby code cannot be loaded");
  } else if (id == "health-endpoint") {
    if (!http::parse_host_port(v, "127.0.0.1")) return invalid_argument();
    run.health_endpoint = v;
  } else if (id == "health-live-timeout") {
    char* end = nullptr;
    double seconds = std::strtod(v.c_str(), &end);
    if (v.empty() || !end || *end != '\0' || !(seconds > 0)) return invalid_argument();
    run.health_live_timeout = seconds;
  } else if (id == "version") {
    cli.command = Command::kVersion;
  } else if (id == "help") {
    cli.command = Command::kHelp;
  }
  return std::nullopt;
}

}  // namespace

std::string usage_text() {
  std::string out = "Usage: shipper [options]\n";
  for (const auto& d : kOptions) {
    if (d.help == nullptr) continue;
    std::string line = "    ";
    if (d.short_name) {
      line += std::string("-") + d.short_name;
      if (has_long(d)) line += ", ";
    } else {
      line += "    ";
    }
    if (has_long(d)) line += std::string("--") + d.id;
    if (*d.arg_name) line += std::string(" ") + d.arg_name;
    if (line.size() < 44)
      line.append(44 - line.size(), ' ');
    else
      line += ' ';
    out += line + d.help + "\n";
  }
  return out;
}

std::string version_text() {
  return std::string("shipper ") + SHIPPER_VERSION +
         "\ncompatible with fluentd 1.18/1.19: the v1 and YAML config formats, in_tail pos files, "
         "file buffer chunks and the forward protocol\n";
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

ParseResult parse_command_line(const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env) {
  ParseResult result;
  CommandLine& cli = result.cli;
  if (auto it = env.find("FLUENT_CONF"); it != env.end() && !it->second.empty())
    cli.run.config_path = it->second;
  else
    cli.run.config_path = "/fluentd/etc/fluent.conf";

  auto fail = [&](Failure f) {
    result.ok = false;
    result.exit_code = f.exit_code;
    result.output = std::move(f.output);
    return result;
  };

  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      for (size_t j = i + 1; j < args.size(); ++j) positional.push_back(args[j]);
      break;
    }
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string body = a.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = body.find('='); eq != std::string::npos) {
        inline_value = body.substr(eq + 1);
        body = body.substr(0, eq);
      }
      std::optional<Failure> failure;
      const OptionDef* d = find_long(body, failure, "--" + body);
      if (!d) return fail(*failure);
      std::string as_typed = "--" + std::string(d->id);
      std::optional<std::string> value;
      if (d->arg == Arg::kNone) {
        if (inline_value) return fail({1, error_text("needless argument: " + a)});
      } else if (d->arg == Arg::kRequired) {
        if (inline_value) {
          value = inline_value;
        } else if (i + 1 < args.size()) {
          value = args[++i];
        } else {
          return fail({1, error_text("missing argument: " + a)});
        }
      } else {  // optional: only `--opt=VALUE` or a following word that is not an option
        if (inline_value)
          value = inline_value;
        else if (i + 1 < args.size() && !args[i + 1].empty() && args[i + 1][0] != '-')
          value = args[++i];
      }
      if (auto f = apply(*d, as_typed, value, cli)) return fail(*f);
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      // A cluster of short options: flags may be grouped; one taking a value ends the cluster.
      for (size_t k = 1; k < a.size(); ++k) {
        const OptionDef* d = find_short(a[k]);
        std::string as_typed = std::string("-") + a[k];
        if (!d) return fail({1, error_text("invalid option: " + as_typed)});
        std::optional<std::string> value;
        if (d->arg != Arg::kNone) {
          std::string rest = a.substr(k + 1);
          if (!rest.empty()) {
            value = rest;
          } else if (d->arg == Arg::kRequired) {
            if (i + 1 >= args.size()) return fail({1, error_text("missing argument: " + as_typed)});
            value = args[++i];
          } else if (i + 1 < args.size() && !args[i + 1].empty() && args[i + 1][0] != '-') {
            value = args[++i];
          }
          if (auto f = apply(*d, as_typed, value, cli)) return fail(*f);
          break;
        }
        if (auto f = apply(*d, as_typed, value, cli)) return fail(*f);
      }
      continue;
    }
    positional.push_back(a);
  }
  if (!positional.empty()) return fail({1, usage_text()});
  if (cli.command == Command::kDryRun && cli.run.no_supervisor)
    cli.notices.push_back({LogLevel::kInfo,
                           "--dry-run with --no-supervisor: shipper still only checks the "
                           "configuration (fluentd would start)"});
  return result;
}

}  // namespace shipper::app
