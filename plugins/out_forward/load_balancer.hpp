#pragma once
// Fluentd's weighted round robin over a shuffled weight array (spec §2.3): rebuilt when a node
// detaches or recovers; standby nodes join only when regular weight is lost; a pick walks the
// array at most once, skipping unavailable nodes and falling through on send errors.
#include <algorithm>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <vector>

#include "core/status.hpp"
#include "engine/log.hpp"

namespace shipper::out_forward {

template <class NodeT>
class LoadBalancer {
 public:
  explicit LoadBalancer(const Logger& log) : log_(log), seed_(std::random_device{}()) {}

  void rebuild(const std::vector<NodeT*>& nodes) {
    std::vector<NodeT*> regular, standby;
    for (NodeT* n : nodes) {
      if (n->weight() <= 0) continue;
      (n->standby() ? standby : regular).push_back(n);
    }
    int64_t lost = 0;
    for (NodeT* n : regular)
      if (!n->available()) lost += n->weight();
    if (lost > 0) {
      for (NodeT* n : standby) {
        if (!n->available()) continue;
        regular.push_back(n);
        log_.warn("using standby node " + n->host() + ":" + std::to_string(n->port()) +
                  kv("weight", int64_t(n->weight())));
        lost -= n->weight();
        if (lost <= 0) break;
      }
    }
    std::vector<NodeT*> arr;
    if (regular.empty()) {
      log_.warn("No nodes are available");
    } else {
      int64_t g = 0;
      for (NodeT* n : regular) g = std::gcd(g, int64_t(n->weight()));
      for (NodeT* n : regular)
        for (int64_t k = 0; k < n->weight() / g; ++k) arr.push_back(n);
      size_t coe = regular.size() * 6 / arr.size();
      if (coe > 1) {
        std::vector<NodeT*> rep;
        for (size_t k = 0; k < coe; ++k) rep.insert(rep.end(), arr.begin(), arr.end());
        arr = std::move(rep);
      }
      std::mt19937_64 rng(seed_);
      std::shuffle(arr.begin(), arr.end(), rng);
    }
    std::lock_guard lock(mu_);
    array_ = std::move(arr);
    if (rr_ >= array_.size()) rr_ = 0;
  }

  // Tries `send` on nodes in weighted order; returns the node that succeeded, or the last error
  // (or "no nodes are available").
  Result<NodeT*> select(const std::function<Status(NodeT&)>& send) {
    Status last = error(StatusCode::kUnavailable,
                        "Fluent::Plugin::ForwardOutput::NoNodesAvailable: no nodes are available");
    size_t len;
    {
      std::lock_guard lock(mu_);
      len = array_.size();
    }
    for (size_t i = 0; i < len; ++i) {
      NodeT* node;
      {
        std::lock_guard lock(mu_);
        if (array_.empty()) break;
        size_t r = rr_ % array_.size();
        rr_ = (r + 1) % array_.size();
        node = array_[r];
      }
      if (!node->available()) continue;
      Status st = send(*node);
      if (st) return node;
      last = st;
    }
    return last;
  }

  size_t array_size() const {
    std::lock_guard lock(mu_);
    return array_.size();
  }

 private:
  Logger log_;
  uint64_t seed_;
  mutable std::mutex mu_;
  std::vector<NodeT*> array_;
  size_t rr_ = 0;
};

}  // namespace shipper::out_forward
