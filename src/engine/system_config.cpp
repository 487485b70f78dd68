#include "engine/system_config.hpp"

#include <regex>

namespace shipper {

using config::BindContext;
using config::Element;
using config::Schema;

namespace {

const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "fatal"};

bool valid_octal(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '7') return false;
  return true;
}

void check_permission(const std::optional<std::string>& value, const char* key, const Element& e,
                      BindContext& ctx) {
  if (!value || valid_octal(*value) || !ctx.diags) return;
  const config::Param* p = e.find(key);
  ctx.diags->error(p ? p->value_loc : e.loc, "invalid-value",
                   std::string(key) + " must be an octal mode such as 0644, got '" + *value + "'",
                   "write the mode in octal digits, e.g. 0644");
}

}  // namespace

void SystemLogParams::describe(Schema<SystemLogParams>& s) {
  s.param("path", &SystemLogParams::path).help("log file path (-o wins)");
  s.param("format", &SystemLogParams::format).one_of({"text", "json"}).help("log line format");
  s.param("time_format", &SystemLogParams::time_format).help("strftime format of log timestamps");
  s.param("rotate_age", &SystemLogParams::rotate_age).help("daily, weekly, monthly or a count");
  s.param("rotate_size", &SystemLogParams::rotate_size).help("rotate the log at this size");
  s.param("forced_stacktrace_level", &SystemLogParams::forced_stacktrace_level)
      .one_of({"none", "trace", "debug", "info", "warn", "error", "fatal"})
      .help("level at which backtraces are logged");
  s.validate([](const SystemLogParams& p, const Element& e, BindContext& ctx) {
    if (!p.rotate_age || !ctx.diags) return;
    const std::string& v = *p.rotate_age;
    if (v == "daily" || v == "weekly" || v == "monthly") return;
    bool digits = !v.empty();
    for (char c : v) digits = digits && c >= '0' && c <= '9';
    if (digits) return;
    const config::Param* raw = e.find("rotate_age");
    ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-value",
                     config::in_section(ctx, "invalid rotate_age: " + v),
                     "use daily, weekly, monthly or a number of files");
  });
}

void SystemCounterServerParams::describe(Schema<SystemCounterServerParams>& s) {
  s.param("scope", &SystemCounterServerParams::scope).required();
  s.param("port", &SystemCounterServerParams::port);
  s.param("bind", &SystemCounterServerParams::bind);
  s.param("backup_path", &SystemCounterServerParams::backup_path).required();
}

void SystemCounterClientParams::describe(Schema<SystemCounterClientParams>& s) {
  s.param("host", &SystemCounterClientParams::host).required();
  s.param("port", &SystemCounterClientParams::port);
  s.param("timeout", &SystemCounterClientParams::timeout);
}

void SystemMetricsParams::describe(Schema<SystemMetricsParams>& s) {
  s.param("@type", &SystemMetricsParams::type).help("metrics plugin");
  s.param("labels", &SystemMetricsParams::labels).help("labels added to every metric");
}

void SystemSourceOnlyBufferParams::describe(Schema<SystemSourceOnlyBufferParams>& s) {
  s.param("flush_thread_count", &SystemSourceOnlyBufferParams::flush_thread_count);
  s.param("overflow_action", &SystemSourceOnlyBufferParams::overflow_action)
      .one_of({"throw_exception", "block", "drop_oldest_chunk"});
  s.param("path", &SystemSourceOnlyBufferParams::path);
  s.param("flush_interval", &SystemSourceOnlyBufferParams::flush_interval);
  s.param("chunk_limit_size", &SystemSourceOnlyBufferParams::chunk_limit_size);
  s.param("total_limit_size", &SystemSourceOnlyBufferParams::total_limit_size);
  s.param("compress", &SystemSourceOnlyBufferParams::compress).one_of({"text", "gzip"});
}

void SystemParams::describe(Schema<SystemParams>& s) {
  s.param("workers", &SystemParams::workers).help("number of worker processes");
  s.param("restart_worker_interval", &SystemParams::restart_worker_interval)
      .help("delay before a dead worker is restarted");
  s.param("root_dir", &SystemParams::root_dir).help("base directory for plugin state (per @id)");
  s.param("log_level", &SystemParams::log_level).one_of(kLevels).help("log level (case-sensitive)");
  s.param("suppress_repeated_stacktrace", &SystemParams::suppress_repeated_stacktrace);
  s.param("ignore_repeated_log_interval", &SystemParams::ignore_repeated_log_interval);
  s.param("ignore_same_log_interval", &SystemParams::ignore_same_log_interval);
  s.param("emit_error_log_interval", &SystemParams::emit_error_log_interval);
  s.param("suppress_config_dump", &SystemParams::suppress_config_dump)
      .help("don't log the configuration at startup");
  s.param("log_event_verbose", &SystemParams::log_event_verbose);
  s.param("without_source", &SystemParams::without_source).help("don't start any <source>");
  s.param("with_source_only", &SystemParams::with_source_only);
  s.param("rpc_endpoint", &SystemParams::rpc_endpoint).help("HOST:PORT of the HTTP RPC server");
  s.param("enable_get_dump", &SystemParams::enable_get_dump);
  s.param("process_name", &SystemParams::process_name);
  s.param("file_permission", &SystemParams::file_permission).help("octal mode of created files");
  s.param("dir_permission", &SystemParams::dir_permission)
      .help("octal mode of created directories");
  s.param("strict_config_value", &SystemParams::strict_config_value)
      .help("parse config values strictly");
  s.param("enable_msgpack_time_support", &SystemParams::enable_msgpack_time_support);
  s.param("disable_shared_socket", &SystemParams::disable_shared_socket);
  s.param("enable_input_metrics", &SystemParams::enable_input_metrics);
  s.param("enable_size_metrics", &SystemParams::enable_size_metrics);
  s.param("enable_jit", &SystemParams::enable_jit).help("Ruby only; ignored");
  s.param("config_include_dir", &SystemParams::config_include_dir)
      .help("directory of extra config files");
  s.section("log", &SystemParams::log).help("the process log");
  s.section("counter_server", &SystemParams::counter_server);
  s.section("counter_client", &SystemParams::counter_client);
  s.section("metrics", &SystemParams::metrics);
  s.section("source_only_buffer", &SystemParams::source_only_buffer);
  s.validate([](const SystemParams& p, const Element& e, BindContext& ctx) {
    if (!ctx.diags) return;
    if (p.workers < 1) {
      const config::Param* raw = e.find("workers");
      ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-workers",
                       "invalid number of workers (must be > 0):" + std::to_string(p.workers),
                       "set workers to 1 or more");
    }
    if (p.rpc_endpoint) {
      static const std::regex re(R"(^\[?[0-9a-zA-Z:\-.]+\]?:[0-9]+$)");
      if (!std::regex_match(*p.rpc_endpoint, re)) {
        const config::Param* raw = e.find("rpc_endpoint");
        ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-rpc-endpoint",
                         "Invalid rpc_endpoint: " + *p.rpc_endpoint,
                         "use HOST:PORT, e.g. 127.0.0.1:24444 (fluentd's dry run misses this)");
      }
    }
    check_permission(p.file_permission, "file_permission", e, ctx);
    check_permission(p.dir_permission, "dir_permission", e, ctx);
  });
}

const config::SectionSpec& system_schema() {
  return config::schema_of<SystemParams>();
}

bool bind_system(const Element* element, BindContext& ctx, SystemParams& out) {
  out = SystemParams{};
  if (!element) return true;
  BindContext sys = ctx;
  if (auto v = element->value_of("strict_config_value"); v && *v != "false" && *v != "no")
    sys.strict = sys.strict || *v == "true" || *v == "yes" || v->empty();
  return config::bind(*element, out, sys);
}

SystemSettings to_system_settings(const SystemParams& params) {
  SystemSettings s;
  s.root_dir = params.root_dir.value_or("");
  s.strict_config_value = params.strict_config_value.value_or(false);
  if (params.file_permission) s.file_permission = *params.file_permission;
  if (params.dir_permission) s.dir_permission = *params.dir_permission;
  s.workers = params.workers;
  return s;
}

}  // namespace shipper
