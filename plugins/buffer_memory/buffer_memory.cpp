// buffer_memory: <buffer> @type memory. The implementation is src/buffer/memory_buffer.*.
#include "buffer/memory_buffer.hpp"
#include "engine/registry.hpp"

namespace shipper {
void register_plugin_buffer_memory(Registry& registry) {
  registry.add<buffer::MemoryBuffer>(config::PluginKind::kBuffer, "memory",
                                     "chunks in memory (lost when the process stops)");
}
}  // namespace shipper
