#include "engine/health.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>

namespace shipper {

namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

Health& Health::instance() {
  static Health health;
  return health;
}

Health::Health() {
  last_tick_ns_.store(steady_ns());
  started_at_ =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  run_options_ = std::make_shared<const RunOptions>();
}

void Health::tick() {
  last_tick_ns_.store(steady_ns());
}

double Health::seconds_since_tick() const {
  return static_cast<double>(steady_ns() - last_tick_ns_.load()) / 1e9;
}

void Health::set_run_options(const RunOptions& options) {
  auto copy = std::make_shared<RunOptions>(options);
  // Only the facts: the service hooks own objects tied to the engine's I/O context.
  copy->start_services = nullptr;
  copy->stop_services = nullptr;
  std::atomic_store(&run_options_, std::shared_ptr<const RunOptions>(std::move(copy)));
}

RunOptions Health::run_options() const {
  return *std::atomic_load(&run_options_);
}

std::string Health::live_json() const {
  double age = seconds_since_tick();
  bool ok = age <= live_timeout();
  return std::string("{\"status\":\"") + (ok ? "ok" : "stalled") +
         "\",\"live\":" + (ok ? "true" : "false") + ",\"ready\":" + (ready() ? "true" : "false") +
         ",\"seconds_since_tick\":" + number(age) + ",\"live_timeout\":" + number(live_timeout()) +
         ",\"pid\":" + std::to_string(getpid()) + "}";
}

std::string Health::ready_json() const {
  bool ok = ready();
  return std::string("{\"status\":\"") + (ok ? "ready" : "not ready") +
         "\",\"ready\":" + (ok ? "true" : "false") + ",\"pid\":" + std::to_string(getpid()) + "}";
}

struct HealthTicker::State {
  explicit State(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  bool stopped = false;  // I/O thread only
};

namespace {

void schedule(std::shared_ptr<HealthTicker::State> state) {
  state->timer.expires_after(std::chrono::seconds(1));
  state->timer.async_wait([state](const boost::system::error_code& ec) {
    if (ec || state->stopped) return;
    Health::instance().tick();
    schedule(state);
  });
}

}  // namespace

HealthTicker::HealthTicker(boost::asio::io_context& io)
    : io_(io), state_(std::make_shared<State>(io)) {}

HealthTicker::~HealthTicker() {
  stop();
}

void HealthTicker::start() {
  boost::asio::post(io_, [state = state_] {
    Health::instance().tick();
    schedule(state);
  });
}

void HealthTicker::stop() {
  if (io_.stopped()) {
    state_->stopped = true;
    return;
  }
  boost::asio::post(io_, [state = state_] {
    state->stopped = true;
    state->timer.cancel();
  });
}

}  // namespace shipper
