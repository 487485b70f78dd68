#include "engine/signals.hpp"

#include <csignal>

namespace shipper {

SignalWatcher::SignalWatcher(boost::asio::io_context& io,
                             std::function<void(EngineCommand, int)> on_signal)
    : set_(io, SIGTERM, SIGINT), on_signal_(std::move(on_signal)) {
  set_.add(SIGUSR1);
  set_.add(SIGHUP);
  set_.add(SIGUSR2);
  // A peer closing a socket must be an error on that socket, not the end of the process.
  std::signal(SIGPIPE, SIG_IGN);
  arm();
}

SignalWatcher::~SignalWatcher() {
  boost::system::error_code ec;
  set_.cancel(ec);
}

const char* SignalWatcher::name(int signo) {
  switch (signo) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "signal";
  }
}

void SignalWatcher::arm() {
  set_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    switch (signo) {
      case SIGTERM:
      case SIGINT:
        on_signal_(EngineCommand::kStop, signo);
        break;
      case SIGUSR1:
        on_signal_(EngineCommand::kFlush, signo);
        break;
      case SIGHUP:
      case SIGUSR2:
        on_signal_(EngineCommand::kReload, signo);
        break;
      default:
        break;
    }
    arm();
  });
}

}  // namespace shipper
