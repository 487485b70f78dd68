// Files two plugins must not share: an in_tail pos_file, an output's file buffer directory.
#include <filesystem>

#include "engine/lint/lint_state.hpp"

namespace shipper::lint {

using config::Element;
using config::Param;

namespace {

std::string normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

std::string plugin_id_of(const Element& e) {
  if (auto id = e.value_of("@id")) return *id;
  return "(no @id: " + e.loc.to_string() + ")";
}

config::Location value_location(const Param& p) {
  return p.value_loc.known() ? p.value_loc : p.key_loc;
}

struct BufferPath {
  std::string owner_type;
  const Element* owner;
  const Param* path;
};

// Every <buffer> with @type file under an output element (including <store> and <secondary>).
void collect_buffers(const Element& output, const std::string& type, std::vector<BufferPath>& out) {
  for (const auto& child : output.children) {
    if (child.name == "buffer") {
      std::string btype = child.type();
      if (btype != "file" && btype != "file_single") continue;
      const Param* p = child.find("path");
      if (p && !p->is_nil && !p->value.empty()) out.push_back({type, &output, p});
    } else if (child.name == "store" || child.name == "secondary") {
      collect_buffers(child, child.type(), out);
    }
  }
}

}  // namespace

void check_paths(LintState& st) {
  std::map<std::string, const Element*> pos_files;
  for (const auto& use : st.plugins) {
    if (use.kind != config::PluginKind::kInput || use.type != "tail") continue;
    const Param* p = use.element->find("pos_file");
    if (!p || p->is_nil || p->value.empty()) continue;
    auto [it, fresh] = pos_files.emplace(normal(p->value), use.element);
    if (fresh) continue;
    st.diags.error(value_location(*p), "duplicate-pos-file",
                   "Other 'in_tail' plugin already use same pos_file path: plugin_id = " +
                       plugin_id_of(*it->second) + ", pos_file path = " + p->value,
                   "give each <source> its own pos_file (the first is at line " +
                       std::to_string(it->second->loc.line) + ")");
  }

  std::vector<BufferPath> buffers;
  for (const auto& use : st.plugins)
    if (use.kind == config::PluginKind::kOutput) collect_buffers(*use.element, use.type, buffers);
  std::map<std::string, const BufferPath*> seen;
  for (const auto& b : buffers) {
    auto [it, fresh] = seen.emplace(normal(b.path->value), &b);
    if (fresh) continue;
    const BufferPath& first = *it->second;
    std::string message =
        first.owner_type != b.owner_type
            ? "Other '" + first.owner_type +
                  "' plugin already use same buffer path: type = " + b.owner_type +
                  ", buffer path = " + b.path->value
            : "two outputs use the same buffer path " + b.path->value +
                  ": each would load and send the other's chunks";
    st.diags.error(value_location(*b.path), "duplicate-buffer-path", message,
                   "give each <buffer> its own path (the first is at line " +
                       std::to_string(first.path->key_loc.line) + ")");
  }
}

}  // namespace shipper::lint
