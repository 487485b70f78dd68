#pragma once
// The <system> directive's parameters (Fluentd's SystemConfig), declared once for the linter,
// `--describe system` and the engine. Unknown keys in <system> are ignored by fluentd; the linter
// reports them as warnings only.
#include <optional>
#include <string>

#include "config/schema.hpp"
#include "engine/plugin.hpp"

namespace shipper {

struct SystemLogParams {
  std::optional<std::string> path;
  std::string format = "text";
  std::string time_format = "%Y-%m-%d %H:%M:%S %z";
  std::optional<std::string> rotate_age;
  std::optional<config::ByteSize> rotate_size;
  std::string forced_stacktrace_level = "none";
  static void describe(config::Schema<SystemLogParams>& s);
};

struct SystemCounterServerParams {
  std::string scope;
  int port = 24321;
  std::string bind = "0.0.0.0";
  std::string backup_path;
  static void describe(config::Schema<SystemCounterServerParams>& s);
};

struct SystemCounterClientParams {
  std::string host;
  int port = 24321;
  config::Duration timeout{5};
  static void describe(config::Schema<SystemCounterClientParams>& s);
};

struct SystemMetricsParams {
  std::string type = "local";
  config::HashValue labels;
  static void describe(config::Schema<SystemMetricsParams>& s);
};

struct SystemSourceOnlyBufferParams {
  int flush_thread_count = 1;
  std::string overflow_action = "drop_oldest_chunk";
  std::optional<std::string> path;
  std::optional<config::Duration> flush_interval;
  std::optional<config::ByteSize> chunk_limit_size;
  std::optional<config::ByteSize> total_limit_size;
  std::string compress = "text";
  static void describe(config::Schema<SystemSourceOnlyBufferParams>& s);
};

struct SystemParams {
  int workers = 1;
  config::Duration restart_worker_interval{0};
  std::optional<std::string> root_dir;
  std::string log_level = "info";
  std::optional<bool> suppress_repeated_stacktrace;
  std::optional<config::Duration> ignore_repeated_log_interval;
  std::optional<config::Duration> ignore_same_log_interval;
  std::optional<config::Duration> emit_error_log_interval;
  std::optional<bool> suppress_config_dump;
  std::optional<bool> log_event_verbose;
  std::optional<bool> without_source;
  std::optional<bool> with_source_only;
  std::optional<std::string> rpc_endpoint;
  std::optional<bool> enable_get_dump;
  std::optional<std::string> process_name;
  std::optional<std::string> file_permission;
  std::optional<std::string> dir_permission;
  std::optional<bool> strict_config_value;
  std::optional<bool> enable_msgpack_time_support;
  std::optional<bool> disable_shared_socket;
  std::optional<bool> enable_input_metrics;
  std::optional<bool> enable_size_metrics;
  bool enable_jit = false;
  std::optional<std::string> config_include_dir;
  std::optional<SystemLogParams> log;
  std::optional<SystemCounterServerParams> counter_server;
  std::optional<SystemCounterClientParams> counter_client;
  std::optional<SystemMetricsParams> metrics;
  std::optional<SystemSourceOnlyBufferParams> source_only_buffer;
  static void describe(config::Schema<SystemParams>& s);
};

// The schema, for --describe and the config dump.
const config::SectionSpec& system_schema();

// Binds a <system> element (null: all defaults). Diagnostics go to ctx (values are strict when
// ctx.strict or the element itself says strict_config_value true). False on errors.
bool bind_system(const config::Element* element, config::BindContext& ctx, SystemParams& out);

// The subset plugins read.
SystemSettings to_system_settings(const SystemParams& params);

}  // namespace shipper
