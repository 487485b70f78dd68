#pragma once
// The process-wide set of Prometheus metric sources, like the Ruby client's default registry that
// every fluent-plugin-prometheus plugin shares: the monitor inputs register collectors that read
// the plugins' reports at scrape time, and the `prometheus` input renders them all on /metrics.
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "engine/metrics_text.hpp"

namespace shipper::metrics {

class Registry {
 public:
  using Collector = std::function<void(MetricsText&)>;
  static Registry& instance();

  // Adds a collector, run on every scrape (on the scraping thread, under the registry's lock, so
  // it must only read counters). Returns an id for remove().
  uint64_t add(Collector collector);
  // After remove() returns, the collector is not running and will not run again.
  void remove(uint64_t id);
  // Runs every collector in the order they were added.
  void collect(MetricsText& out) const;

 private:
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::vector<std::pair<uint64_t, Collector>> collectors_;
};

// Registers a collector for its lifetime.
class CollectorHandle {
 public:
  CollectorHandle() = default;
  explicit CollectorHandle(Registry::Collector c) : id_(Registry::instance().add(std::move(c))) {}
  ~CollectorHandle() { reset(); }
  CollectorHandle(const CollectorHandle&) = delete;
  CollectorHandle& operator=(const CollectorHandle&) = delete;
  CollectorHandle(CollectorHandle&& o) noexcept : id_(o.id_) { o.id_ = 0; }
  CollectorHandle& operator=(CollectorHandle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = 0;
    }
    return *this;
  }
  void reset() {
    if (id_) Registry::instance().remove(id_);
    id_ = 0;
  }

 private:
  uint64_t id_ = 0;
};

}  // namespace shipper::metrics
