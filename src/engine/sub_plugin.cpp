#include "engine/sub_plugin.hpp"

namespace shipper {

std::unique_ptr<PluginContext> make_child_context(const PluginContext& parent,
                                                  const config::Element& element,
                                                  config::PluginKind kind,
                                                  const std::string& type) {
  auto ctx = std::make_unique<PluginContext>(parent);
  ctx->element = &element;
  ctx->kind = kind;
  ctx->type = type;
  // A child that emits (copy's relabel store) goes to its own @label when it has one.
  // Without a resolver (the linter builds plugins outside any pipeline, and checks labels
  // itself) the child keeps the parent's router.
  auto label = element.value_of("@label");
  if (label && parent.label_router) {
    EventRouter* r = parent.label_router(*label);
    if (!r)
      throw config::ConfigException{{element.find("@label")->value_loc, config::Severity::kError,
                                     "label-not-found", *label + " label not found",
                                     "define <label " + *label + "> or fix the name"}};
    ctx->router = r;
  }
  std::string id;
  if (auto v = element.value_of("@id")) id = *v;
  int level = parent.log.level_override();
  if (auto v = element.value_of("@log_level")) {
    LogLevel l;
    if (parse_log_level(*v, l)) level = static_cast<int>(l);
  }
  if (!id.empty()) {
    ctx->id = id;
    ctx->has_explicit_id = true;
    ctx->log = Logger(id, level);
  } else {
    ctx->log = Logger(parent.log.plugin_id(), level);
  }
  return ctx;
}

std::unique_ptr<Plugin> create_sub_plugin_raw(PluginContext& child) {
  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  bind.strict = child.system ? child.system->strict_config_value : false;
  bind.warn_unknown = false;
  const Registry* registry = child.registry ? child.registry : &Registry::builtin();
  bind.plugin_schema = [registry](config::PluginKind k,
                                  const std::string& t) -> const config::SectionSpec* {
    const PluginInfo* info = registry->find(k, t);
    return info ? info->schema : nullptr;
  };
  std::unique_ptr<Plugin> p = registry->create(child, bind);
  if (!p || diags.has_errors()) {
    for (const auto& d : diags.items())
      if (d.severity == config::Severity::kError) throw config::ConfigException{d};
    throw config::ConfigException{{child.element ? child.element->loc : config::Location{},
                                   config::Severity::kError, "plugin-create-failed",
                                   "cannot create " +
                                       std::string(config::plugin_kind_name(child.kind)) +
                                       " plugin '" + child.type + "'",
                                   ""}};
  }
  return p;
}

}  // namespace shipper
