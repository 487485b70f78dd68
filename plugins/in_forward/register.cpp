#include "engine/registry.hpp"
#include "plugins/in_forward/in_forward.hpp"

namespace shipper {
void register_plugin_in_forward(Registry& registry) {
  registry.add<in_forward::ForwardInput>(config::PluginKind::kInput, "forward",
                                         "receives events over the forward protocol (TCP/TLS)");
}
}  // namespace shipper
