// --dry-run and --show-config: load, lint, report. Diagnostics go to stderr (text or JSON lines);
// stdout gets fluentd's dry-run log lines, so tools that read fluentd's output keep working.
#include <cstdio>

#include "app/app.hpp"
#include "engine/linter.hpp"

namespace shipper::app {

namespace {

bool truthy(const std::optional<std::string>& v) {
  return v && (v->empty() || *v == "true" || *v == "yes");
}

bool dump_suppressed(const CommandLine& cli, const config::Element& root) {
  if (cli.run.suppress_config_dump) return true;
  for (const auto& child : root.children)
    if (child.name == "system" && truthy(child.value_of("suppress_config_dump"))) return true;
  return false;
}

// fluentd's error_class for the same failure, for the `config error` log line.
std::string error_class(const std::string& code) {
  if (code == "unknown-plugin") return "Fluent::NotFoundPluginError";
  if (code == "obsoleted-parameter") return "Fluent::ObsoletedParameterError";
  return "Fluent::ConfigError";
}

void print_diagnostics(const config::Diagnostics& diags, const std::string& format) {
  for (const auto& d : diags.items()) {
    std::string line = format == "json" ? config::format_json(d) : config::format_text(d);
    line += '\n';
    std::fputs(line.c_str(), stderr);
  }
  std::fflush(stderr);
}

}  // namespace

bool load_checked(const RunOptions& run, CheckedConfig& out) {
  config::LoadOptions lo;
  lo.path = run.config_path;
  lo.file_type = run.config_file_type;
  lo.inline_config = run.inline_config;
  out.loaded = config::load_config(lo);
  out.diags = out.loaded.diags;
  out.parse_failed = out.loaded.diags.has_errors();
  return !out.parse_failed;
}

void lint_checked(const RunOptions& run, const Registry& registry, CheckedConfig& out) {
  if (!out.parse_failed) {
    LintOptions options;
    options.strict_config_value = run.strict_config_value;
    options.without_source = run.without_source;
    options.workers = run.workers;
    lint_config(out.loaded.root, registry, options, out.diags, &out.types);
  }
  normalize_diagnostics(out.diags);
}

void check_config(const RunOptions& run, const Registry& registry, CheckedConfig& out) {
  load_checked(run, out);
  lint_checked(run, registry, out);
}

int command_dry_run(const CommandLine& cli, const Registry& registry) {
  CheckedConfig checked;
  Logger log;
  if (load_checked(cli.run, checked)) {
    log.info("parsing config file is succeeded" + kv("path", cli.run.config_path));
    log.info(std::string("starting shipper-") + SHIPPER_VERSION + " as dry run mode");
  }
  lint_checked(cli.run, registry, checked);  // constructs every plugin; starts none
  print_diagnostics(checked.diags, cli.run.lint_format);
  if (checked.parse_failed) return 1;  // like fluentd's parse errors: nothing more on stdout
  if (checked.diags.has_errors()) {
    for (const auto& d : checked.diags.items()) {
      if (d.severity != config::Severity::kError) continue;
      std::string cls = error_class(d.code);
      if (d.code == "label-not-found") cls = "ArgumentError";
      if (d.code == "invalid-log-level") cls = "RuntimeError";
      bool unexpected = cls == "ArgumentError" || cls == "RuntimeError";
      log.error(std::string(unexpected ? "unexpected error"
                                       : "config error" + kv("file", cli.run.config_path)) +
                " error_class=" + cls + kv("error", d.message) + kv("location", d.loc.to_string()));
    }
    return 1;
  }
  if (!dump_suppressed(cli, checked.loaded.root)) {
    std::string dump = config::dump_element(checked.loaded.root, &checked.types, 0);
    if (!dump.empty() && dump.back() == '\n') dump.pop_back();
    log.info("using configuration file: " + dump);
  }
  for (const auto& d : checked.diags.items())
    if (d.severity == config::Severity::kWarning)
      log.warn(d.message + kv("location", d.loc.to_string()));
  log.info("finished dry run mode");
  return 0;
}

int command_show_config(const CommandLine& cli, const Registry& registry) {
  CheckedConfig checked;
  check_config(cli.run, registry, checked);
  if (checked.parse_failed) {
    print_diagnostics(checked.diags, cli.run.lint_format);
    return 1;
  }
  if (checked.diags.has_errors()) print_diagnostics(checked.diags, cli.run.lint_format);
  std::string text = config::dump_element(checked.loaded.root, &checked.types, 0);
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace shipper::app
