#pragma once
// A Pipeline is one configured set of plugins with their routers: the top-level router, one per
// <label>, the @ERROR and @FLUENT_LOG wiring. Reload builds a new Pipeline beside the running one
// and swaps only when the new one built and started.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/element.hpp"
#include "engine/plugin.hpp"
#include "engine/registry.hpp"
#include "engine/router.hpp"

namespace shipper {

struct PipelineOptions {
  const Registry* registry = nullptr;  // required (the engine passes Registry::builtin())
  const SystemSettings* system = nullptr;
  boost::asio::io_context* io = nullptr;
  boost::asio::io_context* worker_io = nullptr;
  bool dry_run = false;
  bool without_source = false;
  int worker_id = 0;
  bool log_adding = true;  // log `adding match …` lines as each plugin is configured
};

class Pipeline {
 public:
  ~Pipeline();
  // Configures every plugin. On any error returns null with diagnostics; nothing is started.
  static std::unique_ptr<Pipeline> build(const config::Element& root,
                                         const PipelineOptions& options,
                                         config::Diagnostics& diags);

  // Starts outputs, then filters, then inputs. On a failure the plugin's @id and location are
  // logged, everything already started is stopped, and the error is returned.
  Status start();
  // Graceful stop: inputs stop taking data, then every plugin shuts down (outputs flush per
  // flush_at_shutdown) and closes. Safe to call more than once.
  void stop();
  // SIGUSR1: every output flushes its buffer now.
  void flush_all();

  Router& root_router() { return *root_; }
  Router* find_label(const std::string& name);
  // Where shipper's own log events go (@FLUENT_LOG, or the top level when it captures
  // fluent.* tags), or null.
  Router* log_router() const { return log_router_; }
  size_t input_count() const { return inputs_.size(); }
  const PluginDirectory& directory() const { return directory_; }

 private:
  // An input's router: counts what the input emitted, then routes it.
  class CountingRouter : public EventRouter {
   public:
    explicit CountingRouter(EventRouter* inner) : inner_(inner) {}
    Status emit(EventBatch& batch) override {
      size_t records = batch.count, bytes = batch.entries.size();
      Status st = inner_->emit(batch);
      if (st) {
        counters.records.add(records);
        counters.size.add(bytes);
        counters.count.add();
      }
      return st;
    }
    void record_steps(std::string_view tag, RecordSteps& out) override {
      inner_->record_steps(tag, out);
    }
    EmitCounters counters;

   private:
    EventRouter* inner_;
  };
  struct Slot {
    std::unique_ptr<PluginContext> ctx;
    std::unique_ptr<Plugin> plugin;
    std::unique_ptr<CountingRouter> input_router;
    bool started = false;
  };
  class Builder;

  Pipeline() = default;
  Status start_group(std::vector<std::unique_ptr<Slot>>& group);
  void stop_all_started();
  void shutdown_group(std::vector<std::unique_ptr<Slot>>& group, bool log_lines);

  std::unique_ptr<Router> root_;
  std::map<std::string, std::unique_ptr<Router>> labels_;
  Router* log_router_ = nullptr;
  std::vector<std::unique_ptr<Slot>> inputs_, filters_, outputs_;
  PluginDirectory directory_;
  bool stopped_ = false;
};

}  // namespace shipper
