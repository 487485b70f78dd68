#include "plugins/in_prometheus/shipper_metrics.hpp"

#include "engine/drop_counters.hpp"
#include "engine/plugin.hpp"

namespace shipper::in_prometheus {

void collect_shipper_metrics(const PluginDirectory* directory, metrics::MetricsText& out) {
  using metrics::MetricType;
  auto& dropped = out.family("shipper_events_dropped_total", MetricType::kCounter,
                             "Events discarded (or only written to the log) before reaching an "
                             "output, by reason.");
  auto& to_error = out.family("shipper_events_error_label_total", MetricType::kCounter,
                              "Events sent to the @ERROR label, by reason.");
  const DropCounters& drops = DropCounters::instance();
  for (size_t i = 0; i < kDropReasonCount; ++i) {
    auto r = static_cast<DropReason>(i);
    dropped.add({{"reason", drop_reason_name(r)}}, static_cast<double>(drops.dropped(r)));
    to_error.add({{"reason", drop_reason_name(r)}}, static_cast<double>(drops.to_error_label(r)));
  }
  auto& lag = out.family("shipper_tail_file_unread_bytes", MetricType::kGauge,
                         "Bytes of a tailed file not read yet (file size minus read position).");
  auto& latency = out.family("shipper_output_flush_duration_seconds", MetricType::kHistogram,
                             "Time to write one buffer chunk to the destination.");
  auto& in_records = out.family("shipper_input_emit_records_total", MetricType::kCounter,
                                "Events an input handed to the router.");
  auto& in_bytes = out.family("shipper_input_emit_bytes_total", MetricType::kCounter,
                              "Bytes of msgpack events an input handed to the router.");
  if (!directory) return;
  for (const auto& entry : directory->entries()) {
    if (!entry.plugin || !entry.ctx) continue;
    metrics::Labels id{{"plugin_id", entry.ctx->id}, {"type", entry.ctx->type}};
    if (entry.input_emits) {
      in_records.add(id, static_cast<double>(entry.input_emits->records.get()));
      in_bytes.add(id, static_cast<double>(entry.input_emits->size.get()));
    }
    bool tail = entry.ctx->type == "tail";
    bool output = entry.ctx->kind == config::PluginKind::kOutput;
    if (!tail && !output) continue;
    PluginReport r;
    entry.plugin->report(r);
    for (const auto& f : r.tail_files) {
      metrics::Labels l = id;
      l.emplace_back("path", f.path);
      lag.add(std::move(l), f.size > f.position ? static_cast<double>(f.size - f.position) : 0.0);
    }
    if (r.flush_latency_seconds) latency.add_histogram(id, *r.flush_latency_seconds);
  }
}

}  // namespace shipper::in_prometheus
