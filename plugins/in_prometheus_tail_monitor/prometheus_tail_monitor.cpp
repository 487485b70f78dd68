// prometheus_tail_monitor (fluent-plugin-prometheus): for every file each in_tail watches, its
// read position and inode (fluentd_tail_file_position / _inode), and in_tail's counts of opened,
// closed and rotated files and of throttled reads, labelled plugin_id, type and path after the
// <labels>. Values are read from in_tail's report when /metrics is scraped.
#include "config/schema.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/registry.hpp"
#include "plugins/in_prometheus/monitor_input.hpp"

namespace shipper::in_prometheus_tail_monitor {

struct Params {
  config::Duration interval{5};
  config::FreeFormSection labels;
  static void describe(config::Schema<Params>& s) {
    prometheus::describe_monitor_params(s, "prometheus_tail_monitor");
  }
};

class PrometheusTailMonitor : public prometheus::MonitorInput {
 public:
  using Params = in_prometheus_tail_monitor::Params;
  PrometheusTailMonitor(Params p, PluginContext& ctx) : MonitorInput(p.labels, ctx) {}

 private:
  void collect(metrics::MetricsText& m) const override {
    using metrics::MetricType;
    auto& position =
        m.family("fluentd_tail_file_position", MetricType::kGauge, "Current position of file.");
    auto& inode = m.family("fluentd_tail_file_inode", MetricType::kGauge, "Current inode of file.");
    auto& closed =
        m.family("fluentd_tail_file_closed", MetricType::kGauge, "Number of files closed.");
    auto& opened =
        m.family("fluentd_tail_file_opened", MetricType::kGauge, "Number of files opened.");
    auto& rotated =
        m.family("fluentd_tail_file_rotated", MetricType::kGauge, "Number of files rotated.");
    auto& throttled = m.family("fluentd_tail_file_throttled", MetricType::kGauge,
                               "Number of times files got throttled.");
    if (!directory_) return;
    for (const auto& entry : directory_->entries()) {
      if (!entry.plugin || !entry.ctx || entry.ctx->type != "tail") continue;
      PluginReport r;
      entry.plugin->report(r);
      auto n_closed = r.get("closed_file_count");
      auto n_opened = r.get("opened_file_count");
      auto n_rotated = r.get("rotated_file_count");
      auto n_throttled = r.get("throttled_log_count");
      for (const auto& f : r.tail_files) {
        metrics::Labels l = prometheus::with(
            base_, {{"plugin_id", entry.ctx->id}, {"type", entry.ctx->type}, {"path", f.path}});
        inode.add(l, static_cast<double>(f.inode));
        position.add(l, static_cast<double>(f.position));
        if (n_closed) closed.add(l, *n_closed);
        if (n_opened) opened.add(l, *n_opened);
        if (n_rotated) rotated.add(l, *n_rotated);
        if (n_throttled) throttled.add(l, *n_throttled);
      }
    }
  }
};

}  // namespace shipper::in_prometheus_tail_monitor

namespace shipper {
void register_plugin_in_prometheus_tail_monitor(Registry& registry) {
  registry.add<in_prometheus_tail_monitor::PrometheusTailMonitor>(
      config::PluginKind::kInput, "prometheus_tail_monitor",
      "exposes the position and inode of every file in_tail watches to Prometheus");
}
}  // namespace shipper
