// The directive walk: every top-level element, <worker> and <label> content, and each plugin
// bound through its schema (and constructed, which is fluentd's configure) with its diagnostics.
#include <exception>
#include <set>

#include "core/text.hpp"
#include "engine/lint/lint_state.hpp"
#include "engine/lint/pattern_cover.hpp"

namespace shipper::lint {

using config::Element;
using config::Location;
using config::Param;
using config::PluginKind;

std::string tag_of(const Element& e) {
  return "<" + e.name + (e.arg.empty() ? "" : " " + e.arg) + ">";
}

namespace {

const std::vector<std::string> kDirectives = {"source", "match",  "filter",
                                              "label",  "system", "worker"};

Location value_loc(const Element& e, const char* key) {
  const Param* p = e.find(key);
  if (!p) return e.loc;
  return p->value_loc.known() ? p->value_loc : p->key_loc;
}

std::string unknown_plugin_message(PluginKind kind, const std::string& type) {
  return std::string("Unknown ") + config::plugin_kind_name(kind) + " plugin '" + type +
         "'. Run 'gem search -rd fluent-plugin' to find plugins";
}

void report_unknown_plugin(LintState& st, PluginKind kind, const std::string& type,
                           const Location& at) {
  std::string near = closest_match(type, st.registry.names(kind));
  st.diags.error(at, "unknown-plugin", unknown_plugin_message(kind, type),
                 near.empty() ? "run `shipper --list-plugins` to see the built-in plugins"
                              : "did you mean '" + near + "'?");
}

// The deprecated spellings of @type/@id/@log_level (the parser reports other '@' keys).
void check_reserved(LintState& st, const Element& e, bool /*top_level_directive*/) {
  for (const char* old : {"type", "id", "log_level"}) {
    const Param* p = e.find(old);
    if (!p || e.find(std::string("@") + old)) continue;
    st.diags.warning(
        p->key_loc, "deprecated-parameter",
        std::string("'") + old + "' is deprecated parameter name. use '@" + old + "' instead.",
        std::string("write @") + old);
    p->used = true;
  }
}

void check_log_level(LintState& st, const Element& e) {
  const Param* p = e.find("@log_level");
  if (!p) p = e.find("log_level");
  if (!p || p->is_nil) return;
  LogLevel level;
  if (!parse_log_level(p->value, level))
    st.diags.error(p->value_loc, "invalid-log-level", "Unknown log level: level = " + p->value,
                   "use trace, debug, info, warn, error or fatal");
}

// @id must be unique across the whole configuration (plugin sections included).
void record_id(LintState& st, const Element& e) {
  const Param* id = e.find("@id");
  if (!id) id = e.find("id");
  if (!id || id->is_nil) return;
  auto [it, fresh] = st.ids.emplace(id->value, id);
  if (fresh) return;
  st.diags.error(id->value_loc.known() ? id->value_loc : id->key_loc, "duplicate-id",
                 "Duplicated plugin id `" + id->value + "`. Check whole configuration and fix it.",
                 "the same @id is used at line " + std::to_string(it->second->key_loc.line) +
                     "; give each plugin its own");
}

// Walks the schema with the element: records types for the dump, checks the @type of every
// plugin section (<parse>, <buffer>, <store>…), follows @label and @log_level inside.
void walk_schema(LintState& st, const config::SectionSpec& spec, const Element& e,
                 bool plugin_section) {
  if (st.dump) {
    st.dump->schemas[&e] = &spec;
    if (plugin_section) st.dump->plugin_sections.insert(&e);
  }
  for (const auto& child : e.children) {
    const config::SubsectionSpec* ss = spec.find_section(child.name);
    if (!ss) continue;
    if (ss->kind == config::SectionKind::kFixed) {
      walk_schema(st, ss->spec(), child, false);
    } else if (ss->kind == config::SectionKind::kPlugin) {
      check_reserved(st, child, false);
      check_log_level(st, child);
      record_id(st, child);
      if (const Param* label = child.find("@label"); label && !label->is_nil)
        st.label_refs.push_back({label->value, label});
      std::string type = child.type();
      if (type.empty()) type = ss->default_type;
      if (type.empty()) {
        st.diags.error(child.loc, "missing-type",
                       "'@type' parameter is required, in section " + child.name,
                       "add `@type TYPE` inside <" + child.name + ">");
        continue;
      }
      const PluginInfo* info = st.registry.find(ss->plugin_kind, type);
      if (!info) {
        report_unknown_plugin(st, ss->plugin_kind, type, child.loc);
        continue;
      }
      if (info->schema) walk_schema(st, *info->schema, child, true);
    }
  }
}

// Binds one plugin directive (<source>, <match>, <filter>) and constructs it as fluentd's
// configure would, without starting it.
void bind_plugin(LintState& st, PluginKind kind, const Element& e, int scope, int worker_count) {
  check_reserved(st, e, true);
  record_id(st, e);
  check_log_level(st, e);
  if (const Param* label = e.find("@label"); label && !label->is_nil)
    st.label_refs.push_back({label->value, label});
  std::string type = e.type();
  if (type.empty()) {
    st.diags.error(e.loc, "missing-type", "Missing '@type' parameter on <" + e.name + "> directive",
                   "add `@type TYPE` as the first line inside " + tag_of(e));
    return;
  }
  const PluginInfo* info = st.registry.find(kind, type);
  PluginUse use{kind, type, &e, info, scope, worker_count};
  st.plugins.push_back(use);
  if (!info) {
    report_unknown_plugin(st, kind, type, value_loc(e, e.find("@type") ? "@type" : "type"));
    return;
  }
  if (!info->schema) return;
  walk_schema(st, *info->schema, e, false);

  config::Diagnostics local;
  config::BindContext ctx;
  ctx.diags = &local;
  ctx.strict = st.strict;
  const Registry* registry = &st.registry;
  ctx.plugin_schema = [registry](PluginKind k, const std::string& t) -> const config::SectionSpec* {
    const PluginInfo* i = registry->find(k, t);
    return i ? i->schema : nullptr;
  };
  try {
    if (info->make) {
      PluginContext pc;
      const Param* id = e.find("@id");
      pc.id = id ? id->value : "";
      pc.has_explicit_id = id != nullptr;
      pc.type = type;
      pc.kind = kind;
      pc.element = &e;
      pc.log = Logger(pc.id);
      pc.registry = const_cast<Registry*>(registry);
      pc.system = &st.system;
      pc.dry_run = true;
      auto plugin = info->make(pc, ctx);
      (void)plugin;  // configured, never started
    } else {
      auto scratch = info->schema->create();
      config::bind_section(*info->schema, scratch.get(), e, ctx);
    }
  } catch (const config::ConfigException& ex) {
    local.add(ex.diagnostic);
  } catch (const std::exception& ex) {
    local.error(e.loc, "plugin-error",
                std::string(config::plugin_kind_name(kind)) + " plugin '" + type +
                    "' failed to configure: " + ex.what());
  }
  st.diags.append(local);
}

void add_rule(LintState& st, size_t router, const Element& e, int scope) {
  Rule r;
  r.is_match = e.name == "match";
  r.element = &e;
  r.patterns = split_patterns(e.arg);
  r.worker_scope = scope;
  st.routers[router].rules.push_back(std::move(r));
}

void walk_label(LintState& st, const Element& label, int scope, int worker_count) {
  check_reserved(st, label, false);
  std::string name = label.arg;
  if (name.empty()) {
    st.diags.error(label.loc, "label-missing-name", "Missing symbol argument on <label> directive",
                   "name the label, e.g. <label @app>");
    return;
  }
  if (name == "@ROOT") {
    st.diags.error(label.arg_loc.known() ? label.arg_loc : label.loc, "label-root-reserved",
                   "@ROOT for <label> is not permitted, reserved for getting root router",
                   "choose another label name; @label @ROOT already sends to the top level");
    return;
  }
  if (auto it = st.labels.find(name); it != st.labels.end()) {
    st.diags.error(
        label.loc, "label-duplicated", "Section <label " + name + "> appears twice",
        "merge it with the <label " + name + "> at line " + std::to_string(it->second->loc.line));
    return;
  }
  st.labels[name] = &label;
  st.routers.push_back(Router{name, &label, {}});
  size_t router = st.routers.size() - 1;
  bool has_match = false;
  for (const auto& child : label.children) {
    if (child.name == "match" || child.name == "filter") {
      has_match = has_match || child.name == "match";
      bind_plugin(st, child.name == "match" ? PluginKind::kOutput : PluginKind::kFilter, child,
                  scope, worker_count);
      add_rule(st, router, child, scope);
    } else if (child.name == "source") {
      st.diags.warning(child.loc, "source-in-label",
                       "<source> inside <label " + name + "> is ignored",
                       "move the <source> to the top level and give it `@label " + name + "`");
      for (const auto& p : child.params) p.used = true;
    } else {
      std::string near = closest_match(child.name, {"match", "filter"});
      st.diags.warning(child.loc, "unknown-section",
                       "section <" + child.name + "> is not used in <label " + name + ">",
                       near.empty() ? "a <label> holds <filter> and <match> only"
                                    : "did you mean <" + near + ">?");
    }
  }
  if (!has_match)
    st.diags.error(label.loc, "label-without-match",
                   "Missing <match> sections in <label " + name + "> section",
                   "add a <match> inside the label (events reaching it are otherwise dropped)");
}

void walk_directive(LintState& st, const Element& e, int scope, int worker_count) {
  if (e.name == "source") {
    if (st.options.without_source || st.system_params.without_source.value_or(false)) {
      for (const auto& p : e.params) p.used = true;
      return;
    }
    bind_plugin(st, PluginKind::kInput, e, scope, worker_count);
  } else if (e.name == "match" || e.name == "filter") {
    bind_plugin(st, e.name == "match" ? PluginKind::kOutput : PluginKind::kFilter, e, scope,
                worker_count);
    add_rule(st, 0, e, scope);
  } else if (e.name == "label") {
    walk_label(st, e, scope, worker_count);
  }
}

// Parses `<worker N>` / `<worker N-M>`; returns the worker ids, or empty after a diagnostic.
std::vector<int> worker_ids(LintState& st, const Element& w, std::set<int>& range_ids) {
  const Location at = w.arg_loc.known() ? w.arg_loc : w.loc;
  std::string arg(trim(w.arg));
  if (arg.empty()) {
    st.diags.error(w.loc, "worker-missing-id", "Missing worker id on <worker> directive",
                   "write <worker 0> or <worker 0-1>");
    return {};
  }
  auto parse = [](const std::string& s, int& out) {
    if (s.empty() || s.size() > 9) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    out = std::stoi(s);
    return true;
  };
  const std::string available =
      "Available worker id is between 0 and " + std::to_string(st.workers - 1);
  auto dash = arg.find('-');
  if (dash == std::string::npos) {
    int id;
    if (!parse(arg, id)) {
      st.diags.error(at, "worker-invalid-id", "invalid value for Integer(): \"" + arg + "\"",
                     "write <worker 0> or <worker 0-1>");
      return {};
    }
    if (id >= st.workers) {
      st.diags.error(at, "worker-id-out-of-range",
                     "worker id " + std::to_string(id) +
                         " specified by <worker> directive is not allowed. " + available,
                     "raise <system> workers, or use an id below " + std::to_string(st.workers));
      return {};
    }
    return {id};
  }
  int first, last;
  if (!parse(std::string(trim(arg.substr(0, dash))), first) ||
      !parse(std::string(trim(arg.substr(dash + 1))), last)) {
    st.diags.error(at, "worker-invalid-id", "invalid value for Integer(): \"" + arg + "\"",
                   "write <worker 0> or <worker 0-1>");
    return {};
  }
  if (first > last) {
    st.diags.error(at, "worker-range-reversed",
                   "greater first_worker_id<" + std::to_string(first) + "> than last_worker_id<" +
                       std::to_string(last) +
                       "> specified by <worker> directive is not allowed. Available multi worker "
                       "assign syntax is <smaller_worker_id>-<greater_worker_id>",
                   "write the smaller id first");
    return {};
  }
  std::vector<int> ids;
  for (int id = first; id <= last; ++id) {
    if (id >= st.workers) {
      st.diags.error(at, "worker-id-out-of-range",
                     "worker id " + std::to_string(id) +
                         " specified by <worker> directive is not allowed. " + available,
                     "raise <system> workers, or narrow the range");
      return {};
    }
    if (range_ids.count(id)) {
      std::string avail = "[";
      for (int i = 0; i < st.workers; ++i)
        if (!range_ids.count(i)) avail += (avail.size() > 1 ? ", " : "") + std::to_string(i);
      avail += "]";
      st.diags.error(
          at, "worker-id-collision",
          "specified worker_id<" + std::to_string(id) +
              "> collisions is detected on <worker> directive. Available worker id(s): " + avail,
          "give each worker id to one <worker> range only");
      return {};
    }
    ids.push_back(id);
  }
  for (int id : ids) range_ids.insert(id);
  return ids;
}

void bind_system_directive(LintState& st, const Element& root) {
  const Element* system = nullptr;
  for (const auto& child : root.children) {
    if (child.name != "system") continue;
    if (system) {
      st.diags.error(child.loc, "system-duplicated",
                     "<system> is duplicated. <system> should be only one",
                     "merge it with the <system> at line " + std::to_string(system->loc.line));
      child.used = true;
      continue;
    }
    system = &child;
  }
  config::BindContext ctx;
  ctx.diags = &st.diags;
  ctx.strict = st.options.strict_config_value;
  bind_system(system, ctx, st.system_params);
  if (system && st.dump) {
    // The dump knows the <system> types too (strings quoted).
    std::vector<std::pair<const config::SectionSpec*, const Element*>> todo{
        {&system_schema(), system}};
    while (!todo.empty()) {
      auto [spec, el] = todo.back();
      todo.pop_back();
      st.dump->schemas[el] = spec;
      for (const auto& c : el->children)
        if (const auto* ss = spec->find_section(c.name);
            ss && ss->kind == config::SectionKind::kFixed)
          todo.push_back({&ss->spec(), &c});
    }
  }
  st.strict =
      st.options.strict_config_value || st.system_params.strict_config_value.value_or(false);
  st.workers = st.options.workers > 0 ? st.options.workers : st.system_params.workers;
  if (st.workers < 1) st.workers = 1;
  st.system = to_system_settings(st.system_params);
  st.system.workers = st.workers;
  st.system.strict_config_value = st.strict;
}

}  // namespace

void check_directives(LintState& st, const Element& root) {
  st.routers.push_back(Router{});
  bind_system_directive(st, root);

  for (const auto& p : root.params) {
    if (p.key == "@include" || p.key == "include") continue;
    st.diags.warning(p.key_loc, "unknown-parameter",
                     "parameter '" + p.key + "' in <ROOT> is not used",
                     "parameters belong inside a directive such as <source> or <match>");
  }
  // Top-level directives first, then <worker> contents (fluentd appends those after every
  // top-level rule, wherever the block is written).
  for (const auto& child : root.children) {
    if (child.name == "system" || child.name == "worker") continue;
    if (child.name == "source" || child.name == "match" || child.name == "filter" ||
        child.name == "label") {
      walk_directive(st, child, 0, st.workers);
      continue;
    }
    std::string near = closest_match(child.name, kDirectives);
    st.diags.warning(
        child.loc, "unknown-directive", "section <" + child.name + "> is not used in <ROOT>",
        near.empty() ? "top-level directives are source, match, filter, label, system, worker"
                     : "did you mean <" + near + ">?");
  }
  std::set<int> range_ids;
  int block = 0;
  for (const auto& child : root.children) {
    if (child.name != "worker") continue;
    ++block;
    check_reserved(st, child, false);
    std::vector<int> ids = worker_ids(st, child, range_ids);
    for (const auto& inner : child.children) {
      if (inner.name == "source" || inner.name == "match" || inner.name == "filter" ||
          inner.name == "label") {
        if (!ids.empty()) walk_directive(st, inner, block, static_cast<int>(ids.size()));
      } else {
        st.diags.error(inner.loc, "worker-invalid-directive",
                       "<worker> section cannot have <" + inner.name + "> directive",
                       inner.name == "system"
                           ? "move <system> to the top level"
                           : "a <worker> holds source, match, filter and label only");
      }
    }
  }
  // Plugins that cannot run in several workers at once (fluentd: multi_workers_ready? false).
  for (const auto& use : st.plugins) {
    if (use.worker_count > 1 && use.kind == PluginKind::kInput && use.type == "tail")
      st.diags.error(use.element->loc, "multi-worker-unsupported",
                     "Plugin 'tail' does not support multi workers configuration "
                     "(Fluent::Plugin::TailInput)",
                     "put this <source> inside <worker N>, or set workers 1");
  }
}

}  // namespace shipper::lint
