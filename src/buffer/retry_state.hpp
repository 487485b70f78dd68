#pragma once
// Fluentd's retry state machine (plugin_helper/retry_state.rb), per output: created at the first
// failed flush, stepped on each further failure, cleared by any successful write. Times are
// seconds (double) on any clock the caller chooses, so schedules can be computed in tests.
#include <functional>
#include <optional>

#include "buffer/buffer_params.hpp"

namespace shipper::buffer {

struct RetryConfig {
  bool exponential = true;
  double wait = 1;
  double backoff_base = 2;
  std::optional<double> max_interval;
  double timeout = 72 * 3600;
  std::optional<int> max_times;
  bool forever = false;
  bool randomize = true;
  double randomize_width = 0.125;
  bool has_secondary = false;
  double secondary_threshold = 0.8;

  static RetryConfig from(const BufferParams& p, bool has_secondary);
};

class RetryState {
 public:
  // `uniform` returns a value in [0, 1); defaults to a random generator.
  RetryState(const RetryConfig& config, double now, std::function<double()> uniform = {});

  // Another failure at `now`: steps once if now ≥ next_time, else only recomputes next_time.
  void on_failure(double now);
  void step(double now);
  bool limit() const;
  bool secondary() const { return secondary_; }
  double next_time() const { return next_time_; }
  double start() const { return start_; }
  int steps() const { return steps_; }
  // The interval for step number `num` before jitter (retry_wait × base^num, capped).
  double interval(int num) const;

 private:
  double calc_next_time(double now);
  double randomize(double interval);

  RetryConfig c_;
  std::function<double()> uniform_;
  double start_ = 0;
  double next_time_ = 0;
  double timeout_at_ = 0;
  double secondary_at_ = 0;
  int secondary_steps_ = 0;
  int steps_ = 0;
  bool secondary_ = false;
  bool reached_timeout_ = false;
  bool timed_out_ = false;
};

}  // namespace shipper::buffer
