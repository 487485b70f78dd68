#pragma once
// Fluentd's phi accrual failure detector for one node (spec §2.4): a window of up to 1000
// heartbeat inter-arrival gaps (µs), seeded with one gap of heartbeat_interval.
#include <cmath>
#include <cstdint>
#include <deque>

namespace shipper::out_forward {

class FailureDetector {
 public:
  FailureDetector(double heartbeat_interval, double hard_timeout, double now)
      : interval_(heartbeat_interval),
        hard_timeout_(hard_timeout),
        last_(now),
        init_gap_(static_cast<int64_t>(heartbeat_interval * 1e6)) {
    window_.push_back(init_gap_);
  }
  bool hard_timeout(double now) const { return now - last_ > hard_timeout_; }
  void add(double now) {
    if (window_.empty()) {
      window_.push_back(init_gap_);
    } else {
      window_.push_back(static_cast<int64_t>((now - last_) * 1e6));
      if (window_.size() > kSampleSize) window_.pop_front();
    }
    last_ = now;
  }
  double phi(double now) const {
    if (window_.empty()) return 0.0;
    // Weighted mean: newer gaps weigh more (weights 1..n), integer µs as Ruby computes it.
    int64_t sum = 0, fact = 0;
    int64_t i = 1;
    for (int64_t gap : window_) {
      sum += gap * i;
      fact += i;
      ++i;
    }
    double mean = static_cast<double>(sum / fact) / 1e6 - interval_ + 1;
    double t = now - last_ - interval_ + 1;
    return (1.0 / std::log(10.0)) * t / mean;
  }
  size_t sample_size() const { return window_.size(); }
  void clear() {
    window_.clear();
    last_ = 0;
  }

 private:
  static constexpr size_t kSampleSize = 1000;
  double interval_;
  double hard_timeout_;
  double last_;
  int64_t init_gap_;
  std::deque<int64_t> window_;
};

}  // namespace shipper::out_forward
