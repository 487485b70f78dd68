#include "buffer/retry_state.hpp"

#include <cmath>
#include <random>

namespace shipper::buffer {

RetryConfig RetryConfig::from(const BufferParams& p, bool has_secondary) {
  RetryConfig c;
  c.exponential = p.retry_type != "periodic";
  c.wait = p.retry_wait.seconds;
  c.backoff_base = p.retry_exponential_backoff_base;
  if (p.retry_max_interval) c.max_interval = p.retry_max_interval->seconds;
  c.timeout = p.retry_timeout.seconds;
  c.max_times = p.retry_max_times;
  c.forever = p.retry_forever;
  c.randomize = p.retry_randomize;
  c.has_secondary = has_secondary;
  c.secondary_threshold = p.retry_secondary_threshold;
  return c;
}

RetryState::RetryState(const RetryConfig& config, double now, std::function<double()> uniform)
    : c_(config), uniform_(std::move(uniform)) {
  if (!uniform_) {
    uniform_ = [] {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    };
  }
  start_ = now;
  double timeout = c_.timeout;
  // With retry_max_times the window is the time those retries take, when that is shorter.
  if (c_.max_times) {
    double total = 0;
    for (int i = 0; i < *c_.max_times; ++i) total += interval(i);
    if (total < timeout) timeout = total;
  }
  timeout_at_ = start_ + c_.timeout;
  if (c_.has_secondary) secondary_at_ = start_ + timeout * c_.secondary_threshold;
  next_time_ = start_ + c_.wait;  // the first wait is exact
}

double RetryState::interval(int num) const {
  if (!c_.exponential) return c_.wait;
  double v = c_.wait * std::pow(c_.backoff_base, num);
  while (!std::isfinite(v) && num > 0) v = c_.wait * std::pow(c_.backoff_base, --num);
  if (c_.max_interval && v > *c_.max_interval) return *c_.max_interval;
  return v;
}

double RetryState::randomize(double v) {
  if (!c_.randomize) return v;
  return v + v * c_.randomize_width * (2 * uniform_() - 1.0);
}

double RetryState::calc_next_time(double now) {
  if (c_.forever || !c_.has_secondary) {
    double naive = now + randomize(interval(steps_));
    if (c_.forever) return naive;
    return naive >= timeout_at_ ? timeout_at_ : naive;
  }
  if (!secondary_) {
    double naive = now + randomize(interval(steps_));
    return naive >= secondary_at_ ? secondary_at_ : naive;
  }
  double naive = now + randomize(interval(steps_ - secondary_steps_));
  return naive >= timeout_at_ ? timeout_at_ : naive;
}

void RetryState::step(double now) {
  ++steps_;
  if (!c_.forever && c_.has_secondary && !secondary_ && now >= secondary_at_) {
    secondary_ = true;
    secondary_steps_ = steps_;
  }
  next_time_ = calc_next_time(now);
  if (reached_timeout_)
    timed_out_ = next_time_ >= timeout_at_;
  else
    reached_timeout_ = next_time_ >= timeout_at_;
}

void RetryState::on_failure(double now) {
  if (now >= next_time_)
    step(now);
  else
    next_time_ = calc_next_time(now);
}

bool RetryState::limit() const {
  if (c_.forever) return false;
  return timed_out_ || (c_.max_times && steps_ >= *c_.max_times);
}

}  // namespace shipper::buffer
