// prometheus output (fluent-plugin-prometheus): instruments each event into the `<metric>`
// sections' metrics, then discards it; used as a `copy` <store> beside the real destination
// (fluentd_output_status_num_records_total in Fluentd's monitoring guide).
#include "engine/registry.hpp"
#include "plugins/in_prometheus/instrumenter.hpp"

namespace shipper::out_prometheus {

class PrometheusOutput : public Output {
 public:
  using Params = prometheus_metric::Params;
  PrometheusOutput(Params p, PluginContext& ctx) : instrumenter_(p, ctx) {}

  Status emit(const EventBatch& batch) override {
    instrumenter_.instrument(batch);
    return Status::ok();
  }

 private:
  prometheus::Instrumenter instrumenter_;
};

}  // namespace shipper::out_prometheus

namespace shipper {
void register_plugin_out_prometheus(Registry& registry) {
  registry.add<out_prometheus::PrometheusOutput>(
      config::PluginKind::kOutput, "prometheus",
      "counts events into Prometheus metrics (<metric> sections)");
}
}  // namespace shipper
