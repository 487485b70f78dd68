// prometheus filter (fluent-plugin-prometheus): instruments each event into the `<metric>`
// sections' metrics and passes the events on unchanged. The usual dashboard metric
// fluentd_input_status_num_records_total is such a section (a counter without key, labels
// tag ${tag} and hostname ${hostname}).
#include "engine/registry.hpp"
#include "plugins/in_prometheus/instrumenter.hpp"

namespace shipper::filter_prometheus {

class PrometheusFilter : public Filter {
 public:
  using Params = prometheus_metric::Params;
  PrometheusFilter(Params p, PluginContext& ctx) : instrumenter_(p, ctx) {}

  Outcome filter(const EventBatch& in, EventBatch&) override {
    instrumenter_.instrument(in);
    return Outcome::kUnchanged;
  }

 private:
  prometheus::Instrumenter instrumenter_;
};

}  // namespace shipper::filter_prometheus

namespace shipper {
void register_plugin_filter_prometheus(Registry& registry) {
  registry.add<filter_prometheus::PrometheusFilter>(
      config::PluginKind::kFilter, "prometheus",
      "counts events into Prometheus metrics (<metric> sections) and passes them on");
}
}  // namespace shipper
