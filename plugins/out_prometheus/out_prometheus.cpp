// prometheus output (fluent-plugin-prometheus): instruments each event into the `<metric>`
// sections' metrics, then discards it; used as a `copy` <store> beside the real destination
// (fluentd_output_status_num_records_total in Fluentd's monitoring guide).
#include "engine/prometheus_metric.hpp"
#include "engine/registry.hpp"
#include "plugins/in_prometheus/base_labels.hpp"

namespace shipper::out_prometheus {

class PrometheusOutput : public Output {
 public:
  using Params = prometheus_metric::Params;
  PrometheusOutput(Params p, PluginContext& ctx)
      : metrics_(
            prometheus_metric::build_metrics(p, ctx.element, ctx.system ? ctx.system->workers : 1)),
        hostname_(prometheus::host_name()),
        log_(ctx.log) {}

  Status emit(const EventBatch& batch) override {
    for (const auto& m : metrics_) {
      std::string error;
      if (m.instrument(batch, hostname_, 0, &error) > 0)
        limit_.warn(log_, "prometheus: failed to instrument a metric." + kv("error", error) +
                              kv("tag", batch.tag) + kv("name", m.family().spec().name));
    }
    return Status::ok();
  }

 private:
  std::vector<prometheus_metric::Metric> metrics_;
  std::string hostname_;
  Logger log_;
  RateLimitedLog limit_{60.0};
};

}  // namespace shipper::out_prometheus

namespace shipper {
void register_plugin_out_prometheus(Registry& registry) {
  registry.add<out_prometheus::PrometheusOutput>(
      config::PluginKind::kOutput, "prometheus",
      "counts events into Prometheus metrics (<metric> sections)");
}
}  // namespace shipper
