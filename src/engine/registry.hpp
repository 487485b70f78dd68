#pragma once
// The plugin registry: every plugin registers its @type name, its parameter schema and a factory.
// Lint, --describe, --list-plugins and the engine all look plugins up here.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/schema.hpp"
#include "engine/plugin.hpp"

namespace shipper {

struct PluginInfo {
  config::PluginKind kind;
  std::string name;
  std::string summary;                     // one line for --list-plugins and --describe
  const config::SectionSpec* schema = nullptr;
  bool runnable = true;                    // false: declared (lints) but has no runtime yet
  // Binds the element (diagnostics to ctx) and builds the plugin; null on error.
  std::function<std::unique_ptr<Plugin>(PluginContext&, config::BindContext&)> make;
};

class Registry {
 public:
  // The registry with every built-in plugin (generated from plugins/*).
  static Registry& builtin();

  // Registers plugin class P: P::Params has describe(); P(P::Params, PluginContext&) builds it.
  template <class P>
  void add(config::PluginKind kind, std::string name, std::string summary) {
    PluginInfo info;
    info.kind = kind;
    info.name = std::move(name);
    info.summary = std::move(summary);
    info.schema = &config::schema_of<typename P::Params>();
    info.make = [](PluginContext& ctx, config::BindContext& bind) -> std::unique_ptr<Plugin> {
      typename P::Params params{};
      if (!config::bind(*ctx.element, params, bind)) return nullptr;
      if (bind.diags && bind.diags->has_errors()) return nullptr;
      return std::make_unique<P>(std::move(params), ctx);
    };
    add_info(std::move(info));
  }
  // Registers a plugin whose parameters are declared but whose runtime does not exist yet: it
  // lints, and refuses to run with a clear error.
  template <class Params>
  void declare(config::PluginKind kind, std::string name, std::string summary) {
    PluginInfo info;
    info.kind = kind;
    info.name = std::move(name);
    info.summary = std::move(summary);
    info.schema = &config::schema_of<Params>();
    info.runnable = false;
    add_info(std::move(info));
  }
  void add_info(PluginInfo info);

  const PluginInfo* find(config::PluginKind kind, const std::string& name) const;
  std::vector<const PluginInfo*> all() const;
  std::vector<std::string> names(config::PluginKind kind) const;

  // Creates a plugin of `ctx.kind`/`ctx.type` from `ctx.element`. Unknown type, a plugin with no
  // runtime, or bad parameters: null, with diagnostics in `bind`.
  std::unique_ptr<Plugin> create(PluginContext& ctx, config::BindContext& bind) const;

  // Typed convenience for sub-plugins (<parse>, <format>).
  template <class T>
  std::unique_ptr<T> create_as(PluginContext& ctx, config::BindContext& bind) const {
    auto p = create(ctx, bind);
    if (!p) return nullptr;
    if (auto* t = dynamic_cast<T*>(p.get())) {
      p.release();
      return std::unique_ptr<T>(t);
    }
    return nullptr;
  }

 private:
  std::map<std::pair<config::PluginKind, std::string>, PluginInfo> plugins_;
};

void register_builtin_plugins(Registry& registry);

}  // namespace shipper
