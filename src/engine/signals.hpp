#pragma once
// Process signals, delivered on the I/O thread through Boost.Asio (never in a signal handler):
// TERM/INT stop, USR1 flush + log reopen, HUP/USR2 reload. The engine turns each into a command
// for its control thread, so a slow stop or reload never blocks the I/O thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace shipper {

enum class EngineCommand { kStop, kFlush, kReload };

class SignalWatcher {
 public:
  SignalWatcher(boost::asio::io_context& io,
                std::function<void(EngineCommand, int signo)> on_signal);
  ~SignalWatcher();
  static const char* name(int signo);

 private:
  void arm();
  boost::asio::signal_set set_;
  std::function<void(EngineCommand, int)> on_signal_;
};

}  // namespace shipper
