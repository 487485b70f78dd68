// out_copy: hands every event stream to each <store> in order. A store written
// `<store ignore_error>` may fail without stopping the others; `<store ignore_if_prev_success>`
// is used only when the store before it failed (a fallback).
#include <vector>

#include "config/schema.hpp"
#include "engine/registry.hpp"
#include "engine/sub_plugin.hpp"

namespace shipper::out_copy {

struct Params {
  std::string copy_mode = "no_copy";
  bool deep_copy = false;
  std::vector<config::PluginSection> stores;
  static void describe(config::Schema<Params>& s) {
    s.param("copy_mode", &Params::copy_mode)
        .one_of({"no_copy", "shallow", "deep", "marshal"})
        .help(
            "how records are copied per store; records are immutable bytes here, so all "
            "modes behave alike");
    s.param("deep_copy", &Params::deep_copy)
        .deprecated("use 'copy_mode' parameter instead")
        .help("v0.12 spelling of copy_mode deep");
    s.plugin_section("store", &Params::stores, config::PluginKind::kOutput)
        .required()
        .help("an output each event goes to; argument: ignore_error, ignore_if_prev_success");
  }
};

struct Store {
  SubPlugin<Output> output;
  bool ignore_error = false;
  bool ignore_if_prev_success = false;
};

class CopyOutput : public Output {
 public:
  using Params = out_copy::Params;
  CopyOutput(Params p, PluginContext& ctx) : log_(ctx.log) {
    for (const auto& section : p.stores) {
      Store st;
      st.output = create_sub_plugin<Output>(ctx, section, config::PluginKind::kOutput);
      const std::string& arg = section.element->arg;
      st.ignore_error = arg.find("ignore_error") != std::string::npos;
      st.ignore_if_prev_success = arg.find("ignore_if_prev_success") != std::string::npos;
      stores_.push_back(std::move(st));
    }
  }

  Status start() override {
    for (size_t i = 0; i < stores_.size(); ++i) {
      Status s = stores_[i].output->start();
      if (!s) {
        for (size_t j = i; j-- > 0;) stop_one(stores_[j]);
        return s;
      }
      started_ = i + 1;
    }
    return Status::ok();
  }
  void stop() override {
    for (size_t i = 0; i < started_; ++i) stores_[i].output->stop();
  }
  void shutdown() override {
    for (size_t i = 0; i < started_; ++i) {
      const PluginContext& c = *stores_[i].output.ctx;
      Logger().info(std::string("shutting down output plugin type=:") + c.type +
                    kv("plugin_id", c.id));
      stores_[i].output->shutdown();
    }
  }
  void close() override {
    for (size_t i = 0; i < started_; ++i) stores_[i].output->close();
    started_ = 0;
  }
  void flush_all() override {
    for (auto& st : stores_) st.output->flush_all();
  }

  Status emit(const EventBatch& batch) override {
    bool prev_ok = false;
    for (size_t i = 0; i < stores_.size(); ++i) {
      Store& st = stores_[i];
      if (st.ignore_if_prev_success && i > 0 && prev_ok) continue;
      Status s = st.output->emit(batch);
      prev_ok = s.is_ok();
      if (!s && !st.ignore_error) return s;
    }
    return Status::ok();
  }

 private:
  void stop_one(Store& st) {
    st.output->stop();
    st.output->shutdown();
    st.output->close();
  }
  Logger log_;
  std::vector<Store> stores_;
  size_t started_ = 0;
};

}  // namespace shipper::out_copy

namespace shipper {
void register_plugin_out_copy(Registry& registry) {
  registry.add<out_copy::CopyOutput>(config::PluginKind::kOutput, "copy",
                                     "sends each event to every <store>");
}
}  // namespace shipper
