#pragma once
// The `<metric>` sections of the prometheus filter and output: built once from the config, and
// every batch that passes is counted into them. Values that cannot be used are logged at most
// once a minute.
#include <string>
#include <vector>

#include "engine/log.hpp"
#include "engine/plugin.hpp"
#include "engine/prometheus_metric.hpp"
#include "plugins/in_prometheus/base_labels.hpp"

namespace shipper::prometheus {

class Instrumenter {
 public:
  Instrumenter(const prometheus_metric::Params& p, PluginContext& ctx)
      : metrics_(
            prometheus_metric::build_metrics(p, ctx.element, ctx.system ? ctx.system->workers : 1)),
        hostname_(host_name()),
        log_(ctx.log) {}

  void instrument(const EventBatch& batch) {
    for (const auto& m : metrics_) {
      std::string error;
      if (m.instrument(batch, hostname_, 0, &error) > 0)
        limit_.warn(log_, "prometheus: failed to instrument a metric." + kv("error", error) +
                              kv("tag", batch.tag) + kv("name", m.family().spec().name));
    }
  }

 private:
  std::vector<prometheus_metric::Metric> metrics_;
  std::string hostname_;
  Logger log_;
  RateLimitedLog limit_{60.0};
};

}  // namespace shipper::prometheus
