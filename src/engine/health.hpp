#pragma once
// Process health for probes (/api/health, /api/ready, `shipper status --check-*`).
//   ready: the pipeline has started and is not stopping.
//   live:  the engine's I/O loop keeps running handlers — a timer on it ticks every second, and
//          the process is not live when no tick happened for longer than the live timeout (a
//          stuck loop stops sockets, timers and file watching at once).
// Process-wide, because the built-in --health-endpoint server and every monitor_agent read it.
#include <atomic>
#include <memory>
#include <string>

#include "engine/run_options.hpp"

namespace boost::asio {
class io_context;
}

namespace shipper {

class Health {
 public:
  static Health& instance();

  void set_ready(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }

  // Records that the I/O loop ran a handler now.
  void tick();
  double seconds_since_tick() const;
  void set_live_timeout(double seconds) { live_timeout_.store(seconds); }
  double live_timeout() const { return live_timeout_.load(); }
  bool live() const { return seconds_since_tick() <= live_timeout(); }

  // The command line the process runs with (monitor_agent's /api/config shows parts of it).
  void set_run_options(const RunOptions& options);
  RunOptions run_options() const;
  double started_at() const { return started_at_; }  // epoch seconds

  // Response bodies (JSON objects): {"live":true,...} and {"ready":true,...}.
  std::string live_json() const;
  std::string ready_json() const;

 private:
  Health();
  std::atomic<bool> ready_{false};
  std::atomic<int64_t> last_tick_ns_{0};  // steady clock
  std::atomic<double> live_timeout_{10};
  double started_at_ = 0;
  std::shared_ptr<const RunOptions> run_options_;  // replaced whole, read with atomic_load
};

// Ticks Health on an I/O context every second until stopped. Create, start() and stop() from
// any thread; the timer itself lives on the context.
class HealthTicker {
 public:
  explicit HealthTicker(boost::asio::io_context& io);
  ~HealthTicker();
  void start();
  void stop();

  struct State;

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<State> state_;
};

}  // namespace shipper
