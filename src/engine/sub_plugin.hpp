#pragma once
// Creating a plugin nested in another one (<format>, <parse>, <store>, <buffer>) while the owner
// is being configured. The child gets its own PluginContext (kept alive beside the plugin, since
// plugins may hold on to it); an invalid section throws config::ConfigException, which the
// engine reports like any configuration error.
#include <memory>
#include <string>

#include "config/schema.hpp"
#include "engine/plugin.hpp"
#include "engine/registry.hpp"

namespace shipper {

template <class T>
struct SubPlugin {
  std::unique_ptr<PluginContext> ctx;
  std::unique_ptr<T> plugin;
  T* operator->() const { return plugin.get(); }
  T& operator*() const { return *plugin; }
  explicit operator bool() const { return plugin != nullptr; }
};

// The context a child plugin of `parent` gets: same routers, I/O and settings; its own @id
// (or the parent's id when it has none, so its log lines carry the owner's prefix) and
// @log_level (inherited unless set).
std::unique_ptr<PluginContext> make_child_context(const PluginContext& parent,
                                                  const config::Element& element,
                                                  config::PluginKind kind, const std::string& type);

// Binds and builds; throws config::ConfigException with the first error.
std::unique_ptr<Plugin> create_sub_plugin_raw(PluginContext& child);

template <class T>
SubPlugin<T> create_sub_plugin(const PluginContext& parent, const config::Element& element,
                               config::PluginKind kind, const std::string& type) {
  SubPlugin<T> out;
  out.ctx = make_child_context(parent, element, kind, type);
  std::unique_ptr<Plugin> p = create_sub_plugin_raw(*out.ctx);
  if (auto* t = dynamic_cast<T*>(p.get())) {
    p.release();
    out.plugin.reset(t);
    return out;
  }
  throw config::ConfigException{{element.loc, config::Severity::kError, "wrong-plugin-kind",
                                 "plugin '" + type + "' cannot be used here", ""}};
}

template <class T>
SubPlugin<T> create_sub_plugin(const PluginContext& parent, const config::PluginSection& section,
                               config::PluginKind kind) {
  return create_sub_plugin<T>(parent, *section.element, kind, section.type);
}

}  // namespace shipper
