// prometheus_monitor (fluent-plugin-prometheus): monitor_agent's buffer numbers of every plugin
// as gauges fluentd_status_*, labelled plugin_id, plugin_category and type after the <labels>.
// Values are read from the plugins' reports when /metrics is scraped, so `interval` (the Ruby
// plugin's refresh timer) is accepted but nothing waits for it.
#include "config/schema.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/registry.hpp"
#include "plugins/in_prometheus/monitor_input.hpp"

namespace shipper::in_prometheus_monitor {

struct Params {
  config::Duration interval{5};
  config::FreeFormSection labels;
  static void describe(config::Schema<Params>& s) {
    prometheus::describe_monitor_params(s, "prometheus_monitor");
  }
};

class PrometheusMonitor : public prometheus::MonitorInput {
 public:
  using Params = in_prometheus_monitor::Params;
  PrometheusMonitor(Params p, PluginContext& ctx) : MonitorInput(p.labels, ctx) {}

 private:
  void collect(metrics::MetricsText& m) const override {
    using metrics::MetricType;
    auto& newest = m.family("fluentd_status_buffer_newest_timekey", MetricType::kGauge,
                            "Newest timekey in buffer.");
    auto& oldest = m.family("fluentd_status_buffer_oldest_timekey", MetricType::kGauge,
                            "Oldest timekey in buffer.");
    auto& queue_length = m.family("fluentd_status_buffer_queue_length", MetricType::kGauge,
                                  "Current buffer queue length.");
    auto& total_bytes = m.family("fluentd_status_buffer_total_bytes", MetricType::kGauge,
                                 "Current total size of queued buffers.");
    auto& retry_count =
        m.family("fluentd_status_retry_count", MetricType::kGauge, "Current retry counts.");
    if (!directory_) return;
    for (const auto& entry : directory_->entries()) {
      if (!entry.plugin || !entry.ctx) continue;
      PluginReport r;
      entry.plugin->report(r);
      metrics::Labels l =
          prometheus::with(base_, {{"plugin_id", entry.ctx->id},
                                   {"plugin_category", config::plugin_kind_name(entry.ctx->kind)},
                                   {"type", entry.ctx->type}});
      if (auto v = r.get("buffer_queue_length")) queue_length.add(l, *v);
      if (auto v = r.get("buffer_total_queued_size")) total_bytes.add(l, *v);
      if (auto v = r.get("retry_count")) retry_count.add(l, *v);
      if (auto v = r.get("buffer_newest_timekey")) newest.add(l, *v);
      if (auto v = r.get("buffer_oldest_timekey")) oldest.add(l, *v);
    }
  }
};

}  // namespace shipper::in_prometheus_monitor

namespace shipper {
void register_plugin_in_prometheus_monitor(Registry& registry) {
  registry.add<in_prometheus_monitor::PrometheusMonitor>(
      config::PluginKind::kInput, "prometheus_monitor",
      "exposes buffer queue length, size and retries of every plugin to Prometheus");
}
}  // namespace shipper
