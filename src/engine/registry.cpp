#include "engine/registry.hpp"

#include "core/text.hpp"

namespace shipper {

void Registry::add_info(PluginInfo info) {
  auto key = std::make_pair(info.kind, info.name);
  plugins_[key] = std::move(info);
}

const PluginInfo* Registry::find(config::PluginKind kind, const std::string& name) const {
  auto it = plugins_.find({kind, name});
  return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const PluginInfo*> Registry::all() const {
  std::vector<const PluginInfo*> out;
  for (const auto& [key, info] : plugins_) out.push_back(&info);
  return out;
}

std::vector<std::string> Registry::names(config::PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, info] : plugins_)
    if (key.first == kind) out.push_back(key.second);
  return out;
}

std::unique_ptr<Plugin> Registry::create(PluginContext& ctx, config::BindContext& bind) const {
  const PluginInfo* info = find(ctx.kind, ctx.type);
  config::Location where = ctx.element ? ctx.element->loc : config::Location{};
  if (!info) {
    std::string near = closest_match(ctx.type, names(ctx.kind));
    if (bind.diags)
      bind.diags->error(where, "unknown-plugin",
                        std::string("Unknown ") + config::plugin_kind_name(ctx.kind) + " plugin '" +
                            ctx.type + "'",
                        near.empty() ? "run `shipper --list-plugins` to see the built-in plugins"
                                     : "did you mean '" + near + "'?");
    return nullptr;
  }
  if (!info->make) {
    if (bind.diags)
      bind.diags->error(where, "plugin-not-runnable",
                        std::string(config::plugin_kind_name(ctx.kind)) + " plugin '" + ctx.type +
                            "' is recognised but cannot run in this version of shipper",
                        "use --dry-run to lint this config; replace the plugin to run it");
    return nullptr;
  }
  return info->make(ctx, bind);
}

}  // namespace shipper
