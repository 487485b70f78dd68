#include "engine/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "core/text.hpp"

namespace shipper {

const char* log_level_name(LogLevel level) {
  static const char* names[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  return names[static_cast<int>(level)];
}

bool parse_log_level(std::string_view text, LogLevel& out) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i <= static_cast<int>(LogLevel::kFatal); ++i) {
    if (lower == log_level_name(static_cast<LogLevel>(i))) {
      out = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

LogSink& LogSink::instance() {
  static LogSink sink;
  return sink;
}

bool LogSink::open_file(const std::string& path) {
  std::lock_guard lock(mu_);
  if (path.empty() || path == "-") {
    if (fd_ > 2) ::close(fd_);
    fd_ = 1;
    path_.clear();
    return true;
  }
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  if (fd_ > 2) ::close(fd_);
  fd_ = fd;
  path_ = path;
  return true;
}

bool LogSink::reopen() {
  std::string path;
  {
    std::lock_guard lock(mu_);
    path = path_;
  }
  if (path.empty()) return true;
  return open_file(path);
}

void LogSink::set_event_hook(std::function<void(LogLevel, std::string_view)> hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

void LogSink::write(LogLevel level, std::string_view plugin_id, std::string_view message) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm local{};
  localtime_r(&ts.tv_sec, &local);
  char stamp[64];
  strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S %z", &local);
  std::string line;
  line.reserve(message.size() + 64);
  line += stamp;
  line += " [";
  line += log_level_name(level);
  line += "]: ";
  if (!plugin_id.empty()) {
    line += '[';
    line += plugin_id;
    line += "] ";
  }
  line += message;
  line += '\n';
  std::function<void(LogLevel, std::string_view)> hook;
  {
    std::lock_guard lock(mu_);
    size_t off = 0;
    while (off < line.size()) {
      ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    hook = hook_;
  }
  if (hook) {
    size_t prefix = line.find("]: ") + 3;
    hook(level, std::string_view(line).substr(prefix, line.size() - prefix - 1));
  }
}

void LogSink::write_raw(std::string_view text) {
  std::lock_guard lock(mu_);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd_, text.data() + off, text.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

bool RateLimitedLog::log(const Logger& logger, LogLevel level, std::string_view message) {
  if (!logger.enabled(level)) return false;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double now = ts.tv_sec + ts.tv_nsec / 1e9;
  uint64_t held = 0;
  {
    std::lock_guard lock(mu_);
    if (now - last_ < interval_) {
      ++held_;
      ++suppressed_total_;
      return false;
    }
    last_ = now;
    held = held_;
    held_ = 0;
  }
  if (held == 0) {
    logger.log(level, message);
  } else {
    std::string m(message);
    m += kv("suppressed_since_last", static_cast<int64_t>(held));
    logger.log(level, m);
  }
  return true;
}

uint64_t RateLimitedLog::suppressed_total() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

bool Logger::enabled(LogLevel level) const {
  int threshold =
      level_override_ >= 0 ? level_override_ : static_cast<int>(LogSink::instance().level());
  return static_cast<int>(level) >= threshold;
}

void Logger::log(LogLevel level, std::string_view message) const {
  if (!enabled(level)) return;
  LogSink::instance().write(level, plugin_id_, message);
}

std::string kv(std::string_view key, std::string_view value) {
  return " " + std::string(key) + "=" + ruby_inspect(value);
}
std::string kv(std::string_view key, const char* value) {
  return kv(key, std::string_view(value));
}
std::string kv(std::string_view key, int64_t value) {
  return " " + std::string(key) + "=" + std::to_string(value);
}

}  // namespace shipper
