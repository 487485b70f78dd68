#include "engine/log_events.hpp"

#include <boost/asio/post.hpp>

namespace shipper {
namespace {
thread_local bool t_delivering = false;
}

LogEventForwarder::LogEventForwarder(boost::asio::io_context& io) : io_(io) {
  LogSink::instance().set_event_hook(
      [this](LogLevel level, std::string_view message) { on_line(level, message); });
}

LogEventForwarder::~LogEventForwarder() {
  LogSink::instance().set_event_hook(nullptr);
}

void LogEventForwarder::set_router(Router* router, bool hold) {
  std::lock_guard lock(mu_);
  router_ = router;
  held_ = hold;
  queue_.clear();
}

void LogEventForwarder::release() {
  std::lock_guard lock(mu_);
  held_ = false;
  if (router_ && !queue_.empty() && !scheduled_) {
    scheduled_ = true;
    boost::asio::post(io_, [this] { drain(); });
  }
}

size_t LogEventForwarder::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void LogEventForwarder::on_line(LogLevel level, std::string_view message) {
  if (t_delivering) return;
  std::lock_guard lock(mu_);
  if (!router_) return;
  if (queue_.size() >= kQueueLimit) {
    queue_.pop_front();
    ++dropped_;
  }
  queue_.push_back({level, EventTime::now(), std::string(message)});
  if (!scheduled_ && !held_) {
    scheduled_ = true;
    boost::asio::post(io_, [this] { drain(); });
  }
}

void LogEventForwarder::drain() {
  std::deque<Line> lines;
  Router* router;
  {
    std::lock_guard lock(mu_);
    scheduled_ = false;
    lines.swap(queue_);
    router = router_;
  }
  if (!router) return;
  t_delivering = true;
  EventBatch batch;
  auto flush = [&] {
    if (!batch.empty()) router->route(batch);
    batch.clear();
  };
  for (const auto& line : lines) {
    std::string tag = std::string("fluent.") + log_level_name(line.level);
    if (batch.tag != tag) {
      flush();
      batch.tag = tag;
    }
    batch.begin_entry(line.time);
    MsgpackWriter w(batch.entries);
    w.map_header(1);
    w.str("message");
    w.str(line.message);
    batch.commit_entry();
  }
  flush();
  t_delivering = false;
}

}  // namespace shipper
