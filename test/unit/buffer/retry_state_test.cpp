#include <catch2/catch.hpp>

#include "buffer/retry_state.hpp"

using namespace shipper::buffer;

namespace {
RetryConfig plain() {
  RetryConfig c;
  c.randomize = false;
  return c;
}
// Fails at each next_time and collects the waits.
std::vector<double> waits(RetryState& r, int n) {
  std::vector<double> out;
  double now = r.start();
  for (int i = 0; i < n && !r.limit(); ++i) {
    out.push_back(r.next_time() - now);
    now = r.next_time();
    r.on_failure(now);
  }
  return out;
}
}  // namespace

TEST_CASE("exponential backoff: exact first wait, then doubling") {
  RetryState r(plain(), 1000.0);
  CHECK(waits(r, 6) == std::vector<double>{1, 2, 4, 8, 16, 32});
}

TEST_CASE("retry_max_interval caps one wait; periodic keeps retry_wait") {
  RetryConfig c = plain();
  c.max_interval = 5;
  RetryState r(c, 0);
  CHECK(waits(r, 6) == std::vector<double>{1, 2, 4, 5, 5, 5});
  RetryConfig p = plain();
  p.exponential = false;
  p.wait = 3;
  RetryState q(p, 0);
  CHECK(waits(q, 4) == std::vector<double>{3, 3, 3, 3});
}

TEST_CASE("retry_max_times N allows N retries after the first failure") {
  RetryConfig c = plain();
  c.max_times = 3;
  RetryState r(c, 0);
  int failures = 1;  // the one that created the state
  double now = 0;
  while (!r.limit() && failures < 100) {
    now = r.next_time();
    r.on_failure(now);
    ++failures;
  }
  CHECK(failures == 4);
  RetryConfig zero = plain();
  zero.max_times = 0;
  CHECK(RetryState(zero, 0).limit());
}

TEST_CASE("retry_timeout clamps the last attempt to start + timeout, then gives up") {
  RetryConfig c = plain();
  c.timeout = 10;
  RetryState r(c, 100);
  auto w = waits(r, 100);
  CHECK(w == std::vector<double>{1, 2, 4, 3});  // 1+2+4 = 7, the last wait ends exactly at 110
  CHECK(r.limit());
  RetryConfig f = c;
  f.forever = true;
  RetryState forever(f, 100);
  CHECK(waits(forever, 20).size() == 20);
  CHECK_FALSE(forever.limit());
}

TEST_CASE("randomize stays within ±12.5%") {
  RetryConfig c;
  double u = 0;
  RetryState r(c, 0, [&] { return u; });
  r.on_failure(r.next_time());  // steps = 1 → interval 2
  CHECK(r.next_time() - 1 == Approx(2 * 0.875));
  u = 0.999999;
  r.on_failure(r.next_time());
  CHECK(r.next_time() - (1 + 2 * 0.875) == Approx(4 * 1.125).epsilon(1e-4));
}

TEST_CASE("secondary takes over at the threshold of the retry window") {
  RetryConfig c = plain();
  c.timeout = 100;
  c.has_secondary = true;
  c.secondary_threshold = 0.8;
  RetryState r(c, 0);
  double now = 0;
  int guard = 0;
  while (!r.secondary() && guard++ < 50) {
    now = r.next_time();
    r.on_failure(now);
  }
  CHECK(r.secondary());
  CHECK(now == Approx(80));
}
