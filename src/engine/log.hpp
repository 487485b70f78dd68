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
  // Hook for @FLUENT_LOG: called for every line written, outside the sink's lock.
  void set_event_hook(std::function<void(LogLevel, std::string_view message)> hook);

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

 private:
  std::string plugin_id_;  // printed as "[id] " when set
  int level_override_ = -1;
};

// ` key="value"` the way Fluentd renders structured log values (Ruby inspect).
std::string kv(std::string_view key, std::string_view value);
std::string kv(std::string_view key, const char* value);
std::string kv(std::string_view key, int64_t value);

}  // namespace shipper
