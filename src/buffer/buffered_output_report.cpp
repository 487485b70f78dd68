// What a buffered output tells monitoring: Fluentd's output counters and buffer statistics
// (monitor_agent's names), the retry state and the flush latency histogram.
#include <algorithm>

#include "buffer/buffered_output.hpp"

namespace shipper::buffer {

void BufferedOutput::observe_flush_latency(double seconds) {
  size_t i = 0;
  while (i < kFlushLatencyBuckets && seconds > kFlushLatencyBounds[i]) ++i;
  flush_latency_counts_[i].fetch_add(1, std::memory_order_relaxed);
  flush_latency_sum_us_.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e6),
                                  std::memory_order_relaxed);
}

void BufferedOutput::report(PluginReport& out) const {
  Buffer::Stats bs = buffer_ ? buffer_->stats() : Buffer::Stats{};
  out.set("buffer_queue_length", static_cast<double>(bs.queue_length));
  out.set("buffer_total_queued_size", static_cast<double>(bs.stage_bytes + bs.queue_bytes));
  out.set("retry_count", static_cast<double>(retry_count_.load()));
  Output::report(out);  // emit_records, emit_size, emit_count: counted by the router
  out.set("write_count", static_cast<double>(write_count_.load()));
  out.set("rollback_count", static_cast<double>(rollback_count_.load()));
  out.set("slow_flush_count", static_cast<double>(slow_flush_count_.load()));
  out.set("flushed_retry_count", static_cast<double>(flushed_retry_count_.load()));
  out.set("flush_time_count", static_cast<double>(flush_time_ms_.load()));
  out.set("buffer_stage_length", static_cast<double>(bs.stage_length));
  out.set("buffer_stage_byte_size", static_cast<double>(bs.stage_bytes));
  out.set("buffer_queue_byte_size", static_cast<double>(bs.queue_bytes));
  uint64_t limit = buffer_ ? buffer_->total_limit_size() : 0;
  if (limit > 0)
    out.set("buffer_available_buffer_space_ratios",
            std::max(0.0, 100.0 * (1.0 - static_cast<double>(bs.total_bytes) / limit)));
  if (!bs.timekeys.empty()) {
    out.set("buffer_newest_timekey", static_cast<double>(bs.timekeys.back()));
    out.set("buffer_oldest_timekey", static_cast<double>(bs.timekeys.front()));
  }
  {
    std::lock_guard lock(mu_);
    if (retry_)
      out.retry =
          RetryReport{retry_->start(), retry_->steps(), retry_->next_time(), retry_->secondary()};
  }
  HistogramReport h;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kFlushLatencyBuckets; ++i) {
    cumulative += flush_latency_counts_[i].load(std::memory_order_relaxed);
    h.bounds.push_back(kFlushLatencyBounds[i]);
    h.counts.push_back(cumulative);
  }
  h.count = cumulative + flush_latency_counts_[kFlushLatencyBuckets].load();
  h.sum = flush_latency_sum_us_.load() / 1e6;
  out.flush_latency_seconds = std::move(h);
}

}  // namespace shipper::buffer
