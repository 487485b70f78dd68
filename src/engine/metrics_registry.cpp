#include "engine/metrics_registry.hpp"

#include <algorithm>

namespace shipper::metrics {

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

uint64_t Registry::add(Collector collector) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  collectors_.emplace_back(id, std::move(collector));
  return id;
}

void Registry::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  collectors_.erase(std::remove_if(collectors_.begin(), collectors_.end(),
                                   [id](const auto& c) { return c.first == id; }),
                    collectors_.end());
}

void Registry::collect(MetricsText& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, c] : collectors_) c(out);
}

}  // namespace shipper::metrics
