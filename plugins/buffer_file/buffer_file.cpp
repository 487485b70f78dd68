// buffer_file: <buffer> @type file, Fluentd's on-disk chunk format. The implementation is
// src/buffer/file_buffer.*.
#include "buffer/file_buffer.hpp"
#include "engine/registry.hpp"

namespace shipper {
void register_plugin_buffer_file(Registry& registry) {
  registry.add<buffer::FileBuffer>(config::PluginKind::kBuffer, "file",
                                   "chunks in files, resumed after a restart (Fluentd's format)");
}
}  // namespace shipper
