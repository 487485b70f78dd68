#include "buffer/backup.hpp"

#include <cstdlib>

namespace shipper::buffer {

std::string safe_plugin_id(const std::string& id) {
  std::string s = id;
  for (char& c : s)
    if (std::string_view(" \"/\\:;|*<>?").find(c) != std::string_view::npos) c = '_';
  return s;
}

std::string backup_dir(const PluginContext& ctx, int worker) {
  std::string root;
  if (ctx.system && !ctx.system->root_dir.empty())
    root = ctx.system->root_dir;
  else if (const char* env = std::getenv("FLUENT_BACKUP_DIR"); env && *env)
    root = env;
  else
    root = "/tmp/fluent";
  return root + "/backup/worker" + std::to_string(worker) + "/" + safe_plugin_id(ctx.id);
}

Result<std::string> write_backup(FileSystem& fs, const PluginContext& ctx, const ChunkId& id,
                                 std::string_view content, const std::string& suffix) {
  std::string dir = backup_dir(ctx);
  Status st = fs.mkdirs(dir, 0755);
  if (!st) return st;
  std::string path = dir + "/" + chunk_id_hex(id) + suffix;
  auto fd = fs.open_append(path, 0644);
  if (!fd) return fd.status();
  st = fs.write(*fd, content);
  fs.close(*fd);
  if (!st) return st;
  return path;
}

}  // namespace shipper::buffer
