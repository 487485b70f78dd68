#pragma once
// What a running plugin tells monitoring: in_monitor_agent, the Prometheus inputs, the health
// endpoint and `shipper status`. Plugins keep their counters as relaxed atomics, updated once
// per batch, and fill a report only when asked, so monitoring costs nothing on the data path.
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/plugin_kind.hpp"

namespace shipper {

class Plugin;
struct PluginContext;

// A monotonically increasing count, cheap enough for the data path.
class Counter {
 public:
  void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Fluentd's retry state as monitor_agent prints it ("retry": {"start", "steps", "next_time"}).
struct RetryReport {
  double start = 0;  // epoch seconds of the first failure
  int steps = 0;
  double next_time = 0;  // epoch seconds of the next attempt
  bool secondary = false;
};

// One file in_tail watches. Lag (bytes not read yet) is size - position.
struct TailFileReport {
  std::string path;
  uint64_t inode = 0;
  uint64_t position = 0;
  uint64_t size = 0;
  bool closed = false;
};

// Cumulative histogram (Prometheus style): counts[i] = observations <= bounds[i]; the last
// bucket (+Inf) is `count`.
struct HistogramReport {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;
  uint64_t count = 0;
  double sum = 0;
};

struct PluginReport {
  // Numeric fields under monitor_agent's names (emit_records, emit_count, write_count,
  // rollback_count, slow_flush_count, flushed_retry_count, retry_count, buffer_queue_length,
  // buffer_total_queued_size, buffer_stage_length, ...), in the order they were set.
  std::vector<std::pair<std::string, double>> numbers;
  std::optional<RetryReport> retry;
  std::vector<TailFileReport> tail_files;
  std::map<std::string, uint64_t> dropped_by_reason;  // events dropped or sent to @ERROR
  std::optional<HistogramReport> flush_latency_seconds;

  void set(std::string_view name, double value) {
    for (auto& [k, v] : numbers)
      if (k == name) {
        v = value;
        return;
      }
    numbers.emplace_back(std::string(name), value);
  }
  std::optional<double> get(std::string_view name) const {
    for (const auto& [k, v] : numbers)
      if (k == name) return v;
    return std::nullopt;
  }
};

// Fluentd's input metrics: what an input handed to the router (successful emits only).
struct EmitCounters {
  Counter records;
  Counter size;   // bytes of msgpack entries
  Counter count;  // emit calls
};

// Every configured plugin of the running pipeline, for monitoring plugins to enumerate.
struct PluginEntry {
  const PluginContext* ctx = nullptr;
  const Plugin* plugin = nullptr;
  const EmitCounters* input_emits = nullptr;  // inputs only
};

class PluginDirectory {
 public:
  void add(PluginEntry entry) { entries_.push_back(entry); }
  const std::vector<PluginEntry>& entries() const { return entries_; }

 private:
  std::vector<PluginEntry> entries_;
};

}  // namespace shipper
