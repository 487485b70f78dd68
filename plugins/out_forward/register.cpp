#include "engine/registry.hpp"
#include "plugins/out_forward/out_forward.hpp"

namespace shipper {
void register_plugin_out_forward(Registry& registry) {
  registry.add<out_forward::ForwardOutput>(
      config::PluginKind::kOutput, "forward",
      "sends chunks to Fluentd/Fluent Bit nodes (forward protocol)");
}
}  // namespace shipper
