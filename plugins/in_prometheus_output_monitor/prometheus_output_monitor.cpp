// prometheus_output_monitor (fluent-plugin-prometheus): every output's monitor_agent numbers as
// fluentd_output_status_*, labelled plugin_id and type after the <labels>. The cumulative ones
// (retry_count, num_errors, emit_count, emit_records, write_count, flush_time_count,
// slow_flush_count) are gauges by default and counters with `gauge_all false`, as in the Ruby
// plugin, which keeps rollback_count and retry_wait gauges either way. Values are read when
// /metrics is scraped.
#include "config/schema.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/registry.hpp"
#include "plugins/in_prometheus/monitor_input.hpp"

namespace shipper::in_prometheus_output_monitor {

struct Params {
  config::Duration interval{5};
  bool gauge_all = true;
  config::FreeFormSection labels;
  static void describe(config::Schema<Params>& s) {
    s.param("gauge_all", &Params::gauge_all)
        .help("expose cumulative numbers as gauges (true) or counters (false)");
    prometheus::describe_monitor_params(s, "prometheus_output_monitor");
  }
};

// One exposed metric: the report's name, the Prometheus name and help, and whether it follows
// gauge_all (cumulative) or is always a gauge.
struct Spec {
  const char* report_name;
  const char* name;
  const char* help;
  bool cumulative;
};

// In the Ruby plugin's registration order.
constexpr Spec kSpecs[] = {
    {"buffer_total_queued_size", "fluentd_output_status_buffer_total_bytes",
     "Current total size of stage and queue buffers.", false},
    {"buffer_stage_length", "fluentd_output_status_buffer_stage_length",
     "Current length of stage buffers.", false},
    {"buffer_stage_byte_size", "fluentd_output_status_buffer_stage_byte_size",
     "Current total size of stage buffers.", false},
    {"buffer_queue_length", "fluentd_output_status_buffer_queue_length",
     "Current length of queue buffers.", false},
    {"buffer_queue_byte_size", "fluentd_output_status_buffer_queue_byte_size",
     "Current total size of queue buffers.", false},
    {"buffer_available_buffer_space_ratios", "fluentd_output_status_buffer_available_space_ratio",
     "Ratio of available space in buffer.", false},
    {"buffer_newest_timekey", "fluentd_output_status_buffer_newest_timekey",
     "Newest timekey in buffer.", false},
    {"buffer_oldest_timekey", "fluentd_output_status_buffer_oldest_timekey",
     "Oldest timekey in buffer.", false},
    {"retry_count", "fluentd_output_status_retry_count", "Current retry counts.", true},
    // Fluentd 1.14+ reports num_errors as retry_count; the plugin feeds both from it.
    {"retry_count", "fluentd_output_status_num_errors", "Current number of errors.", true},
    {"emit_count", "fluentd_output_status_emit_count", "Current emit counts.", true},
    {"emit_records", "fluentd_output_status_emit_records", "Current emit records.", true},
    {"write_count", "fluentd_output_status_write_count", "Current write counts.", true},
    {"rollback_count", "fluentd_output_status_rollback_count", "Current rollback counts.", false},
    {"flush_time_count", "fluentd_output_status_flush_time_count", "Total flush time.", true},
    {"slow_flush_count", "fluentd_output_status_slow_flush_count", "Current slow flush counts.",
     true},
};

class PrometheusOutputMonitor : public prometheus::MonitorInput {
 public:
  using Params = in_prometheus_output_monitor::Params;
  PrometheusOutputMonitor(Params p, PluginContext& ctx)
      : MonitorInput(p.labels, ctx), gauge_all_(p.gauge_all) {}

 private:
  void collect(metrics::MetricsText& m) const override {
    using metrics::MetricType;
    constexpr size_t n = std::size(kSpecs);
    metrics::Family* families[n];
    for (size_t i = 0; i < n; ++i) {
      MetricType t =
          kSpecs[i].cumulative && !gauge_all_ ? MetricType::kCounter : MetricType::kGauge;
      families[i] = &m.family(kSpecs[i].name, t, kSpecs[i].help);
    }
    auto& retry_wait =
        m.family("fluentd_output_status_retry_wait", MetricType::kGauge, "Current retry wait");
    if (!directory_) return;
    for (const auto& entry : directory_->entries()) {
      if (!entry.plugin || !entry.ctx || entry.ctx->kind != config::PluginKind::kOutput) continue;
      PluginReport r;
      entry.plugin->report(r);
      if (r.numbers.empty()) continue;  // an output that keeps no statistics
      metrics::Labels l =
          prometheus::with(base_, {{"plugin_id", entry.ctx->id}, {"type", entry.ctx->type}});
      for (size_t i = 0; i < n; ++i)
        if (auto v = r.get(kSpecs[i].report_name)) families[i]->add(l, *v);
      // monitor_agent gives an empty retry hash when no retry is under way: the wait is 0.
      double wait = r.retry ? r.retry->next_time - r.retry->start : 0.0;
      retry_wait.add(l, wait);
    }
  }

  bool gauge_all_;
};

}  // namespace shipper::in_prometheus_output_monitor

namespace shipper {
void register_plugin_in_prometheus_output_monitor(Registry& registry) {
  registry.add<in_prometheus_output_monitor::PrometheusOutputMonitor>(
      config::PluginKind::kInput, "prometheus_output_monitor",
      "exposes every output's buffer, emit, write, retry and error numbers to Prometheus");
}
}  // namespace shipper
