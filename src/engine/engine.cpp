#include "engine/engine.hpp"

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "config/dump.hpp"
#include "config/loader.hpp"
#include "engine/health.hpp"
#include "engine/linter.hpp"
#include "engine/log_events.hpp"
#include "engine/pipeline.hpp"
#include "engine/signals.hpp"
#include "engine/system_config.hpp"

namespace shipper {
namespace {

// How long a graceful stop may take before the process exits anyway (the container's grace
// period is 30 s by default; leave room for the runtime).
constexpr auto kStopDeadline = std::chrono::seconds(25);

// One loaded, linted config and everything derived from it. The pipeline's plugins point into
// `loaded.root`, so a generation is destroyed as a whole.
struct Generation {
  config::LoadedConfig loaded;
  config::DumpTypes types;
  SystemParams system;
  SystemSettings settings;
  std::unique_ptr<Pipeline> pipeline;
};

class Engine {
 public:
  explicit Engine(const RunOptions& options) : opt_(options) {}
  int run();

 private:
  // Loads and lints; on errors logs them (and prints them to stderr) and returns null.
  std::unique_ptr<Generation> check(bool initial);
  bool build(Generation& g);
  void apply_log_settings(const Generation& g);
  void log_config_dump(const Generation& g);
  void start_threads();
  void stop_threads();
  void push(EngineCommand c, int signo);
  void quiesce_io();
  void graceful_stop();
  void flush();
  void reload(int signo);

  RunOptions opt_;
  boost::asio::io_context io_{1};
  boost::asio::io_context worker_io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      io_guard_, worker_guard_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Generation> current_;
  std::unique_ptr<LogEventForwarder> log_events_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<EngineCommand, int>> commands_;
};

void print_diagnostics(const config::Diagnostics& diags) {
  for (const auto& d : diags.items()) {
    std::string line = config::format_text(d) + "\n";
    std::fputs(line.c_str(), stderr);
  }
  std::fflush(stderr);
}

std::unique_ptr<Generation> Engine::check(bool initial) {
  auto g = std::make_unique<Generation>();
  config::LoadOptions lo;
  lo.path = opt_.config_path;
  lo.file_type = opt_.config_file_type;
  lo.inline_config = opt_.inline_config;
  g->loaded = config::load_config(lo);
  config::Diagnostics diags = g->loaded.diags;
  if (!diags.has_errors()) {
    LintOptions lint;
    lint.strict_config_value = opt_.strict_config_value;
    lint.without_source = opt_.without_source;
    lint.workers = opt_.workers;
    lint_config(g->loaded.root, Registry::builtin(), lint, diags, &g->types);
    normalize_diagnostics(diags);
  }
  const config::Element* system_element = nullptr;
  for (const auto& c : g->loaded.root.children)
    if (c.name == "system") system_element = &c;
  if (!diags.has_errors()) {
    config::BindContext bind;
    bind.diags = &diags;
    bind.strict = opt_.strict_config_value;
    bind.warn_unknown = false;
    bind_system(system_element, bind, g->system);
  }
  Logger log;
  if (diags.has_errors()) {
    print_diagnostics(diags);
    for (const auto& d : diags.items()) {
      if (d.severity != config::Severity::kError) continue;
      std::string message = "config error" + kv("file", opt_.config_path) + kv("error", d.message) +
                            kv("location", d.loc.to_string());
      if (initial)
        log.error(message);
      else
        log.error("failed to reload config: " + d.message + kv("location", d.loc.to_string()));
    }
    return nullptr;
  }
  g->settings = to_system_settings(g->system);
  if (opt_.strict_config_value) g->settings.strict_config_value = true;
  if (initial) {
    apply_log_settings(*g);
    log.info("parsing config file is succeeded" + kv("path", opt_.config_path));
  }
  for (const auto& d : diags.items())
    if (d.severity == config::Severity::kWarning)
      log.warn(d.message + kv("location", d.loc.to_string()));
  return g;
}

void Engine::apply_log_settings(const Generation& g) {
  LogSink& sink = LogSink::instance();
  if (!opt_.verbosity_given) {
    LogLevel level;
    if (parse_log_level(g.system.log_level, level)) sink.set_level(level);
  }
  if (opt_.log_path.empty() && g.system.log && g.system.log->path) {
    if (!sink.open_file(*g.system.log->path))
      Logger().error("cannot open log file" + kv("path", *g.system.log->path));
  }
}

void Engine::log_config_dump(const Generation& g) {
  bool suppressed = opt_.suppress_config_dump || g.system.suppress_config_dump.value_or(false);
  if (suppressed) return;
  std::string dump = config::dump_element(g.loaded.root, &g.types, 0);
  while (!dump.empty() && dump.back() == '\n') dump.pop_back();
  Logger().info("using configuration file: " + dump);
}

bool Engine::build(Generation& g) {
  PipelineOptions po;
  po.registry = &Registry::builtin();
  po.system = &g.settings;
  po.io = &io_;
  po.worker_io = &worker_io_;
  po.without_source = opt_.without_source || g.system.without_source.value_or(false);
  config::Diagnostics diags;
  g.pipeline = Pipeline::build(g.loaded.root, po, diags);
  if (!g.pipeline) {
    print_diagnostics(diags);
    for (const auto& d : diags.items())
      if (d.severity == config::Severity::kError)
        Logger().error("config error" + kv("file", opt_.config_path) + kv("error", d.message) +
                       kv("location", d.loc.to_string()));
    return false;
  }
  return true;
}

void Engine::start_threads() {
  io_guard_ = std::make_unique<decltype(io_guard_)::element_type>(io_.get_executor());
  worker_guard_ =
      std::make_unique<decltype(worker_guard_)::element_type>(worker_io_.get_executor());
  threads_.emplace_back([this] { io_.run(); });
  unsigned cores = std::thread::hardware_concurrency();
  unsigned workers = cores == 0 ? 1 : (cores > 8 ? 8 : cores);
  for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this] { worker_io_.run(); });
}

void Engine::stop_threads() {
  io_guard_.reset();
  worker_guard_.reset();
  io_.stop();
  worker_io_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Engine::push(EngineCommand c, int signo) {
  {
    std::lock_guard lock(mu_);
    commands_.emplace_back(c, signo);
  }
  cv_.notify_one();
}

// Waits until every handler posted to the I/O thread so far has run.
void Engine::quiesce_io() {
  std::promise<void> done;
  auto fut = done.get_future();
  boost::asio::post(io_, [&done] { done.set_value(); });
  fut.wait_for(std::chrono::seconds(5));
}

void Engine::flush() {
  Logger log;
  log.info("force flushing buffered events");
  if (!LogSink::instance().reopen()) log.error("cannot reopen the log file");
  if (current_ && current_->pipeline) current_->pipeline->flush_all();
  log.info("flushing all buffer forcedly");
}

void Engine::reload(int signo) {
  Logger log;
  log.info(std::string("Reloading new config (") + SignalWatcher::name(signo) + ")");
  auto next = check(false);
  if (!next) {
    log.warn("keeping the running configuration");
    return;
  }
  if (!build(*next)) {
    log.error("failed to reload config: the new configuration cannot be built");
    log.warn("keeping the running configuration");
    return;
  }
  log_config_dump(*next);
  log_events_->set_router(nullptr);
  quiesce_io();
  current_->pipeline->stop();
  Status s = next->pipeline->start();
  if (!s) {
    log.error("failed to reload config: " + s.message());
    // Bring the previous configuration back: rebuild it from its own tree and start it.
    current_->pipeline.reset();
    if (build(*current_) && current_->pipeline->start()) {
      log_events_->set_router(current_->pipeline->log_router());
      log.warn("keeping the running configuration");
    } else {
      log.error("the previous configuration could not be restarted either");
      Health::instance().set_ready(false);
    }
    return;
  }
  current_ = std::move(next);
  log_events_->set_router(current_->pipeline->log_router());
  log.info("shipper worker is now running worker=0");
}

void Engine::graceful_stop() {
  Health::instance().set_ready(false);
  Logger log;
  log.info("shipper worker is now stopping worker=0");
  // A stuck destination must not keep the process alive past the container's grace period.
  std::thread([] {
    std::this_thread::sleep_for(kStopDeadline);
    Logger().error("graceful stop did not finish in time; exiting");
    std::fflush(nullptr);
    _exit(1);
  }).detach();
  log.info("shutting down shipper worker worker=0");
  log_events_->set_router(nullptr);
  quiesce_io();
  if (current_ && current_->pipeline) current_->pipeline->stop();
}

int Engine::run() {
  current_ = check(true);
  if (!current_) return 1;
  log_config_dump(*current_);
  Logger log;
  log.info(std::string("starting shipper-") + SHIPPER_VERSION + kv("pid", getpid()));
  if (current_->system.workers > 1)
    log.warn("shipper runs one worker process; <worker 0> blocks apply" +
             kv("workers", current_->system.workers));

  start_threads();
  SignalWatcher* signals = nullptr;
  {
    // The watcher lives on the I/O thread's context; create it there so its handlers never race.
    std::promise<SignalWatcher*> made;
    boost::asio::post(io_, [&] {
      made.set_value(new SignalWatcher(io_, [this](EngineCommand c, int s) { push(c, s); }));
    });
    signals = made.get_future().get();
  }
  log_events_ = std::make_unique<LogEventForwarder>(io_);

  int exit_code = 0;
  Health& health = Health::instance();
  health.set_run_options(opt_);
  health.set_live_timeout(opt_.health_live_timeout);
  HealthTicker ticker(io_);
  ticker.start();
  Status services = opt_.start_services ? opt_.start_services(io_) : Status::ok();
  if (!services) log.error(services.message());
  if (!services || !build(*current_)) {
    exit_code = 1;
  } else {
    log_events_->set_router(current_->pipeline->log_router(), /*hold=*/true);
    log.info("starting shipper worker" + kv("pid", getpid()) + kv("ppid", getppid()) + " worker=0");
    Status s = current_->pipeline->start();
    if (!s) {
      exit_code = 1;
    } else {
      log_events_->release();
      health.set_ready(true);
      log.info("shipper worker is now running worker=0");
      for (;;) {
        std::pair<EngineCommand, int> cmd;
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [this] { return !commands_.empty(); });
          cmd = commands_.front();
          commands_.pop_front();
        }
        if (cmd.first == EngineCommand::kStop) {
          log.info("Received graceful stop");
          graceful_stop();
          break;
        }
        if (cmd.first == EngineCommand::kFlush) flush();
        if (cmd.first == EngineCommand::kReload) reload(cmd.second);
      }
    }
  }
  log_events_->set_router(nullptr);
  quiesce_io();
  if (current_) current_->pipeline.reset();
  {
    std::promise<void> gone;
    boost::asio::post(io_, [&] {
      delete signals;
      gone.set_value();
    });
    gone.get_future().wait_for(std::chrono::seconds(5));
  }
  log_events_.reset();
  health.set_ready(false);
  if (opt_.stop_services) opt_.stop_services();
  ticker.stop();
  stop_threads();
  if (exit_code == 0) log.info("shipper worker finished with status 0");
  return exit_code;
}

}  // namespace

int run_engine(const RunOptions& options) {
  Engine engine(options);
  return engine.run();
}

}  // namespace shipper
