// prometheus filter (fluent-plugin-prometheus): instruments each event into the `<metric>`
// sections' metrics and passes the events on unchanged. The usual dashboard metric
// fluentd_input_status_num_records_total is such a section (a counter without key, labels
// tag ${tag} and hostname ${hostname}).
#include "engine/prometheus_metric.hpp"
#include "engine/registry.hpp"
#include "plugins/in_prometheus/base_labels.hpp"

namespace shipper::filter_prometheus {

class PrometheusFilter : public Filter {
 public:
  using Params = prometheus_metric::Params;
  PrometheusFilter(Params p, PluginContext& ctx)
      : metrics_(
            prometheus_metric::build_metrics(p, ctx.element, ctx.system ? ctx.system->workers : 1)),
        hostname_(prometheus::host_name()),
        log_(ctx.log) {}

  Outcome filter(const EventBatch& in, EventBatch&) override {
    for (const auto& m : metrics_) {
      std::string error;
      if (m.instrument(in, hostname_, 0, &error) > 0)
        limit_.warn(log_, "prometheus: failed to instrument a metric." + kv("error", error) +
                              kv("tag", in.tag) + kv("name", m.family().spec().name));
    }
    return Outcome::kUnchanged;
  }

 private:
  std::vector<prometheus_metric::Metric> metrics_;
  std::string hostname_;
  Logger log_;
  RateLimitedLog limit_{60.0};
};

}  // namespace shipper::filter_prometheus

namespace shipper {
void register_plugin_filter_prometheus(Registry& registry) {
  registry.add<filter_prometheus::PrometheusFilter>(
      config::PluginKind::kFilter, "prometheus",
      "counts events into Prometheus metrics (<metric> sections) and passes them on");
}
}  // namespace shipper
