#pragma once
// shipper's own metrics, served by the `prometheus` input beside the fluentd_* ones: bytes each
// tailed file has not been read yet, events dropped or sent to @ERROR by reason, chunk flush
// latency, and what each input emitted.
#include "engine/metrics_text.hpp"
#include "engine/plugin_report.hpp"

namespace shipper::in_prometheus {

void collect_shipper_metrics(const PluginDirectory* directory, metrics::MetricsText& out);

}  // namespace shipper::in_prometheus
