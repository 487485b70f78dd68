#pragma once
// What the monitor inputs of fluent-plugin-prometheus (prometheus_monitor, _output_monitor,
// _tail_monitor) share: the `interval` and `<labels>` parameters, and a collector that is
// registered while the input runs and walks the pipeline's plugins at each scrape.
#include "config/schema.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/plugin.hpp"
#include "plugins/in_prometheus/base_labels.hpp"

namespace shipper::prometheus {

// Declares the shared parameters on a monitor's own Params (members `interval`, `labels`).
template <class P>
void describe_monitor_params(config::Schema<P>& s, const char* plugin_name) {
  s.param("interval", &P::interval)
      .help("refresh interval of the Ruby plugin; shipper reads the values at each scrape");
  s.free_form_section("labels", &P::labels).help("labels added to every metric");
  s.validate([plugin_name](const P& p, const config::Element& e, config::BindContext& ctx) {
    check_static_labels(p.labels, plugin_name, e, ctx);
  });
}

class MonitorInput : public Input {
 public:
  MonitorInput(const config::FreeFormSection& labels, PluginContext& ctx)
      : base_(base_labels(labels, ctx)), directory_(ctx.directory) {}

  Status start() override {
    collector_ = metrics::CollectorHandle([this](metrics::MetricsText& m) { collect(m); });
    return Status::ok();
  }
  void stop() override { collector_.reset(); }

 protected:
  // Adds this monitor's families to a scrape; called on the HTTP thread.
  virtual void collect(metrics::MetricsText& m) const = 0;

  metrics::Labels base_;
  const PluginDirectory* directory_;

 private:
  metrics::CollectorHandle collector_;
};

}  // namespace shipper::prometheus
