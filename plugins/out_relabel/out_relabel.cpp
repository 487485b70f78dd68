// out_relabel: re-emits every event into the router of its @label (or, without one, the router
// of the context it is defined in).
#include "config/schema.hpp"
#include "engine/registry.hpp"

namespace shipper::out_relabel {

struct Params {
  static void describe(config::Schema<Params>&) {}
};

class RelabelOutput : public Output {
 public:
  using Params = out_relabel::Params;
  RelabelOutput(Params, PluginContext& ctx) : router_(ctx.router), log_(ctx.log) {}
  Status emit(const EventBatch& batch) override {
    if (!router_) return Status::ok();
    // Routers read the batch and never change it; the copy keeps the interface honest.
    EventBatch copy = batch;
    return router_->emit(copy);
  }

 private:
  EventRouter* router_;
  Logger log_;
};

}  // namespace shipper::out_relabel

namespace shipper {
void register_plugin_out_relabel(Registry& registry) {
  registry.add<out_relabel::RelabelOutput>(config::PluginKind::kOutput, "relabel",
                                           "re-emits events into the @label router");
}
}  // namespace shipper
