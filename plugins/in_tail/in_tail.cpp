// in_tail: follows files like `tail -F`, parses each line and emits events (spec §1, §2).
#include "engine/registry.hpp"
#include "plugins/in_tail/tail_input.hpp"

namespace shipper {
void register_plugin_in_tail(Registry& registry) {
  registry.add<in_tail::TailInput>(
      config::PluginKind::kInput, "tail",
      "follow files, parse each line (pos_file compatible with Fluentd)");
}
}  // namespace shipper
