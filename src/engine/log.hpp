#pragma once
// shipper's own log, in Fluentd's line format:
//   2026-11-24 14:45:41 +0000 [warn]: [plugin_id] message key="value"
// One process-wide sink (stdout or a file, reopened on SIGUSR1); a Logger is a cheap handle that
// carries a plugin's @id prefix and its @log_level.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace shipper {

enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kFatal };
const char* log_level_name(LogLevel level);
// Case-insensitive ("info", "WARN"); false when unknown.
bool parse_log_level(std::string_view text, LogLevel& out);

class LogSink {
 public:
  static LogSink& instance();
  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  // Sends lines to `path` (appending; created with its parent directory), or stdout when empty.
  bool open_file(const std::string& path);
  bool reopen();  // SIGUSR1: reopen the same path (after rotation moved it away)
  // Writes one formatted line: time, level, message.
  void write(LogLevel level, std::string_view plugin_id, std::string_view message);
  // Writes text as it is (out_stdout and filter_stdout print records into the log, as Fluentd's
  // $log.write does; with -o they go to the log file).
  void write_raw(std::string_view text);
  // Hook for @FLUENT_LOG: called for every line written, outside the sink's lock. The message
  // includes the "[id] " prefix when the line has one.
  void set_event_hook(std::function<void(LogLevel, std::string_view message)> hook);
  const std::string& path() const { return path_; }

 private:
  LogSink() = default;
  std::mutex mu_;
  LogLevel level_ = LogLevel::kInfo;
  std::string path_;
  int fd_ = 1;
  std::function<void(LogLevel, std::string_view)> hook_;
};

class Logger {
 public:
  Logger() = default;
  explicit Logger(std::string plugin_id, int level_override = -1)
      : plugin_id_(std::move(plugin_id)), level_override_(level_override) {}
  bool enabled(LogLevel level) const;
  void log(LogLevel level, std::string_view message) const;
  void trace(std::string_view m) const { log(LogLevel::kTrace, m); }
  void debug(std::string_view m) const { log(LogLevel::kDebug, m); }
  void info(std::string_view m) const { log(LogLevel::kInfo, m); }
  void warn(std::string_view m) const { log(LogLevel::kWarn, m); }
  void error(std::string_view m) const { log(LogLevel::kError, m); }
  const std::string& plugin_id() const { return plugin_id_; }
  int level_override() const { return level_override_; }

 private:
  std::string plugin_id_;  // printed as "[id] " when set
  int level_override_ = -1;
};

// Logs the same message at most once per `interval_seconds`, counting the ones it held back:
// the next line that passes says how many were suppressed. Thread-safe; cheap when suppressed.
//   RateLimitedLog bad_lines_(10);  …  bad_lines_.warn(log, "pattern not matched" + kv(…));
class RateLimitedLog {
 public:
  explicit RateLimitedLog(double interval_seconds = 10.0) : interval_(interval_seconds) {}
  // True when a line was written.
  bool log(const Logger& logger, LogLevel level, std::string_view message);
  bool warn(const Logger& logger, std::string_view message) {
    return log(logger, LogLevel::kWarn, message);
  }
  bool error(const Logger& logger, std::string_view message) {
    return log(logger, LogLevel::kError, message);
  }
  uint64_t suppressed_total() const;

 private:
  double interval_;
  mutable std::mutex mu_;
  double last_ = -1e18;
  uint64_t held_ = 0;
  uint64_t suppressed_total_ = 0;
};

// ` key="value"` the way Fluentd renders structured log values (Ruby inspect).
std::string kv(std::string_view key, std::string_view value);
std::string kv(std::string_view key, const char* value);
std::string kv(std::string_view key, int64_t value);

}  // namespace shipper
