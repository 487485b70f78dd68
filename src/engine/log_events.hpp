#pragma once
// @FLUENT_LOG: shipper's own log lines as events tagged `fluent.<level>` with the record
// {"message": "<text>"}. Lines are queued by the log sink's hook and delivered on the I/O thread,
// so a plugin that logs while holding its own lock never re-enters itself; lines logged while
// delivering log events are not captured again (no loops).
#include <boost/asio/io_context.hpp>
#include <deque>
#include <mutex>
#include <string>

#include "core/event_time.hpp"
#include "engine/log.hpp"
#include "engine/router.hpp"

namespace shipper {

class LogEventForwarder {
 public:
  explicit LogEventForwarder(boost::asio::io_context& io);
  ~LogEventForwarder();
  // Starts (router non-null) or stops capturing. Queued lines for the old router are dropped.
  // With `hold`, lines are queued but not delivered until release(): the outputs that would
  // receive them are not started yet (a file buffer has not resumed its chunks).
  void set_router(Router* router, bool hold = false);
  void release();
  size_t dropped() const;

  static constexpr size_t kQueueLimit = 10000;

 private:
  struct Line {
    LogLevel level;
    EventTime time;
    std::string message;
  };
  void on_line(LogLevel level, std::string_view message);
  void drain();

  boost::asio::io_context& io_;
  mutable std::mutex mu_;
  Router* router_ = nullptr;
  std::deque<Line> queue_;
  bool scheduled_ = false;
  bool held_ = false;
  size_t dropped_ = 0;
};

}  // namespace shipper
