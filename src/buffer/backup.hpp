#pragma once
// Where chunks that can never be written go: Fluentd's backup directory,
//   <root_dir or $FLUENT_BACKUP_DIR or /tmp/fluent>/backup/worker<N>/<plugin_id>/<chunk_id>.log
#include <string>

#include "buffer/chunk.hpp"
#include "buffer/fs.hpp"
#include "engine/plugin.hpp"

namespace shipper::buffer {

// The plugin id with ` "/\:;|*<>?` replaced by `_`.
std::string safe_plugin_id(const std::string& id);
std::string backup_dir(const PluginContext& ctx, int worker = 0);
// Appends `content` (decompressed entries) to <backup_dir>/<chunk_id>.log; returns the path.
Result<std::string> write_backup(FileSystem& fs, const PluginContext& ctx, const ChunkId& id,
                                 std::string_view content, const std::string& suffix = ".log");

}  // namespace shipper::buffer
