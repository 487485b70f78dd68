// out_null: takes every event and discards it (Fluentd's null output).
#include "config/schema.hpp"
#include "engine/registry.hpp"

namespace shipper::out_null {

struct Params {
  bool never_flush = false;
  static void describe(config::Schema<Params>& s) {
    s.param("never_flush", &Params::never_flush).help("accepted for compatibility; has no effect");
  }
};

class NullOutput : public Output {
 public:
  using Params = out_null::Params;
  NullOutput(Params, PluginContext&) {}
  Status emit(const EventBatch&) override { return Status::ok(); }
};

}  // namespace shipper::out_null

namespace shipper {
void register_plugin_out_null(Registry& registry) {
  registry.add<out_null::NullOutput>(config::PluginKind::kOutput, "null", "discards every event");
}
}  // namespace shipper
