#include "engine/pipeline.hpp"

#include <cinttypes>
#include <cstdio>
#include <set>

#include "core/tag_pattern.hpp"

namespace shipper {
namespace {

const char* kind_word(config::PluginKind k) {
  return config::plugin_kind_name(k);
}

bool worker_block_includes(const std::string& arg, int worker_id) {
  // "<worker N>" or "<worker N-M>"; the linter reports malformed ones.
  size_t dash = arg.find('-');
  try {
    if (dash == std::string::npos) return std::stoi(arg) == worker_id;
    int first = std::stoi(arg.substr(0, dash));
    int last = std::stoi(arg.substr(dash + 1));
    return first <= worker_id && worker_id <= last;
  } catch (const std::exception&) {
    return false;
  }
}

const char* const kLogLevels[] = {"trace", "debug", "info", "warn", "error", "fatal"};

}  // namespace

// Walks the config tree once, in Fluentd's order: labels are created first (so `@label` may
// point forward), then top-level filters and matches, then each label's, then sources.
class Pipeline::Builder {
 public:
  Builder(Pipeline& p, const PipelineOptions& o, config::Diagnostics& d)
      : p_(p), opt_(o), diags_(d) {
    // Required: the engine passes Registry::builtin(), tests and benchmarks their own. (Not
    // defaulted here, so the engine library links without the generated plugin list.)
    registry_ = o.registry;
  }

  void run(const config::Element& root) {
    // Top-level directives, then the contents of <worker> blocks for this worker.
    std::vector<const config::Element*> top;
    for (const auto& e : root.children)
      if (e.name != "worker") top.push_back(&e);
    for (const auto& e : root.children)
      if (e.name == "worker" && worker_block_includes(e.arg, opt_.worker_id))
        for (const auto& c : e.children) top.push_back(&c);

    p_.root_ = std::make_unique<Router>();
    std::vector<std::pair<Router*, const config::Element*>> label_elements;
    for (const auto* e : top) {
      if (e->name != "label") continue;
      if (e->arg.empty()) {
        diags_.error(e->loc, "label-missing-name", "Missing symbol argument on <label> directive");
        continue;
      }
      if (e->arg == "@ROOT") {
        diags_.error(e->loc, "label-root",
                     "@ROOT for <label> is not permitted, reserved for getting root router");
        continue;
      }
      if (p_.labels_.count(e->arg)) {
        diags_.error(e->loc, "duplicate-label", "Section <label " + e->arg + "> appears twice");
        continue;
      }
      auto router = std::make_unique<Router>(e->arg);
      label_elements.emplace_back(router.get(), e);
      p_.labels_[e->arg] = std::move(router);
    }
    error_router_ = p_.find_label("@ERROR");
    p_.root_->set_error_router(error_router_);
    for (auto& [name, r] : p_.labels_) r->set_error_router(error_router_);

    for (const auto* e : top) {
      if (e->name == "filter" || e->name == "match") add_rule(*e, *p_.root_);
    }
    for (auto& [router, e] : label_elements) {
      bool has_match = false;
      for (const auto& c : e->children) {
        if (c.name == "filter" || c.name == "match") add_rule(c, *router);
        has_match = has_match || c.name == "match";
      }
      if (!has_match)
        diags_.error(e->loc, "label-without-match",
                     "Missing <match> sections in <label " + e->arg + "> section");
    }
    if (opt_.without_source) {
      bool any = false;
      for (const auto* e : top) any = any || e->name == "source";
      if (any) Logger().info("'--without-source' is applied. Ignore <source> sections");
    } else {
      for (const auto* e : top)
        if (e->name == "source") add_source(*e);
    }
    wire_log_events();
  }

 private:
  // The router a plugin emits into: its @label's, or the one of the context it lives in.
  Router* resolve_label(const config::Element& e, Router& context, bool& ok) {
    auto label = e.value_of("@label");
    if (!label) return &context;
    if (*label == "@ROOT") return p_.root_.get();
    if (Router* r = p_.find_label(*label)) return r;
    const config::Param* param = e.find("@label");
    diags_.error(param ? param->value_loc : e.loc, "label-not-found", *label + " label not found",
                 "define <label " + *label + "> or fix the name");
    ok = false;
    return nullptr;
  }

  std::unique_ptr<Slot> create(const config::Element& e, config::PluginKind kind, Router& context) {
    std::string type = e.type();
    if (type.empty()) {
      diags_.error(e.loc, "missing-type",
                   "Missing '@type' parameter on <" + e.name + "> directive");
      return nullptr;
    }
    auto slot = std::make_unique<Slot>();
    auto ctx = std::make_unique<PluginContext>();
    ctx->type = type;
    ctx->kind = kind;
    ctx->element = &e;
    ctx->registry = const_cast<Registry*>(registry_);
    ctx->io = opt_.io;
    ctx->worker_io = opt_.worker_io;
    ctx->system = opt_.system;
    ctx->dry_run = opt_.dry_run;
    ctx->error_router = error_router_;
    ctx->directory = &p_.directory_;
    Pipeline* pipeline = &p_;
    ctx->label_router = [pipeline](const std::string& name) -> EventRouter* {
      if (name == "@ROOT") return pipeline->root_.get();
      return pipeline->find_label(name);
    };
    bool ok = true;
    ctx->router = resolve_label(e, context, ok);
    if (!ok) return nullptr;
    if (kind == config::PluginKind::kInput && ctx->router) {
      slot->input_router = std::make_unique<CountingRouter>(ctx->router);
      ctx->router = slot->input_router.get();
    }

    int level = -1;
    auto level_text = e.value_of("@log_level");
    if (!level_text) level_text = e.value_of("log_level");
    if (level_text) {
      LogLevel l;
      if (!parse_log_level(*level_text, l)) {
        diags_.error(e.find(e.find("@log_level") ? "@log_level" : "log_level")->value_loc,
                     "invalid-log-level", "Unknown log level: level = " + *level_text,
                     "use trace, debug, info, warn, error or fatal");
        return nullptr;
      }
      level = static_cast<int>(l);
    }
    auto id = e.value_of("@id");
    if (!id) id = e.value_of("id");
    if (id) {
      if (!ids_.insert(*id).second) {
        diags_.error(e.loc, "duplicate-id",
                     "Duplicated plugin id `" + *id + "`. Check whole configuration and fix it.");
        return nullptr;
      }
      ctx->id = *id;
      ctx->has_explicit_id = true;
      ctx->log = Logger(*id, level);
    } else {
      char buf[40];
      std::snprintf(buf, sizeof buf, "object:%" PRIxPTR,
                    reinterpret_cast<uintptr_t>(ctx.get()) >> 3);
      ctx->id = buf;
      ctx->log = Logger("", level);
    }

    config::BindContext bind;
    bind.diags = &diags_;
    bind.strict = opt_.system && opt_.system->strict_config_value;
    bind.warn_unknown = false;  // the linter reports unused parameters once, before we get here
    const Registry* registry = registry_;
    bind.plugin_schema = [registry](config::PluginKind k,
                                    const std::string& t) -> const config::SectionSpec* {
      const PluginInfo* info = registry->find(k, t);
      return info ? info->schema : nullptr;
    };
    size_t errors_before = count_errors();
    try {
      slot->plugin = registry_->create(*ctx, bind);
    } catch (const config::ConfigException& ex) {
      diags_.add(ex.diagnostic);
    } catch (const std::exception& ex) {
      diags_.error(e.loc, "configure-failed",
                   std::string(kind_word(kind)) + " plugin '" + type + "': " + ex.what());
    }
    if (!slot->plugin || count_errors() > errors_before) {
      if (!slot->plugin && count_errors() == errors_before)
        diags_.error(e.loc, "configure-failed",
                     std::string("cannot configure ") + kind_word(kind) + " plugin '" + type + "'");
      return nullptr;
    }
    slot->ctx = std::move(ctx);
    return slot;
  }

  void add_rule(const config::Element& e, Router& router) {
    bool is_filter = e.name == "filter";
    auto pattern = MatchPattern::compile(e.arg);
    if (!pattern) {
      diags_.error(e.arg_loc.known() ? e.arg_loc : e.loc, "invalid-pattern",
                   pattern.status().message());
      return;
    }
    auto slot =
        create(e, is_filter ? config::PluginKind::kFilter : config::PluginKind::kOutput, router);
    if (!slot) return;
    if (opt_.log_adding) {
      std::string where = router.label().empty() ? "" : " in " + router.label();
      Logger().info(std::string("adding ") + (is_filter ? "filter" : "match") + where +
                    kv("pattern", pattern.value().text()) + kv("type", slot->ctx->type));
    }
    if (is_filter) {
      auto* f = dynamic_cast<Filter*>(slot->plugin.get());
      if (!f) {
        diags_.error(e.loc, "not-a-filter", "plugin '" + slot->ctx->type + "' is not a filter");
        return;
      }
      router.add_filter(std::move(pattern.value()), f);
      p_.filters_.push_back(std::move(slot));
    } else {
      auto* o = dynamic_cast<Output*>(slot->plugin.get());
      if (!o) {
        diags_.error(e.loc, "not-an-output", "plugin '" + slot->ctx->type + "' is not an output");
        return;
      }
      router.add_match(std::move(pattern.value()), o);
      p_.outputs_.push_back(std::move(slot));
    }
  }

  void add_source(const config::Element& e) {
    auto slot = create(e, config::PluginKind::kInput, *p_.root_);
    if (!slot) return;
    if (opt_.log_adding) Logger().info("adding source" + kv("type", slot->ctx->type));
    p_.inputs_.push_back(std::move(slot));
  }

  // @FLUENT_LOG (spec §3.5): the label if defined; else the top level when one of its rules
  // matches a fluent.<level> tag (deprecated, with Fluentd's warning).
  void wire_log_events() {
    std::vector<std::string> tags;
    for (const char* level : kLogLevels) tags.push_back(std::string("fluent.") + level);
    auto unmatched_list = [&](Router& r) {
      std::string list;
      for (const auto& t : tags)
        if (!r.matches_any_rule(t))
          list += (list.empty() ? "" : ", ") + std::string("\"") + t + "\"";
      return list;
    };
    if (Router* r = p_.find_label("@FLUENT_LOG")) {
      r->suppress_missing_match();
      p_.log_router_ = r;
      std::string unmatched = unmatched_list(*r);
      if (!unmatched.empty())
        Logger().warn(
            "match for some tags of log events are not defined in @FLUENT_LOG label (to be "
            "ignored) tags=[" +
            unmatched + "]");
      return;
    }
    Router& root = *p_.root_;
    std::string matched;
    for (const auto& t : tags)
      if (root.matches_any_rule(t))
        matched += (matched.empty() ? "" : ", ") + ("<match " + t + ">");
    if (matched.empty()) return;
    p_.log_router_ = &root;
    std::string unmatched = unmatched_list(root);
    if (unmatched.empty()) {
      Logger().warn(
          "define <match fluent.**> to capture fluentd logs in top level is deprecated. Use "
          "<label @FLUENT_LOG> instead");
    } else {
      Logger().warn("define " + matched +
                    " to capture fluentd logs in top level is deprecated. Use <label "
                    "@FLUENT_LOG> instead");
      Logger().warn(
          "match for some tags of log events are not defined in top level (to be "
          "ignored) tags=[" +
          unmatched + "]");
    }
  }

  size_t count_errors() const {
    size_t n = 0;
    for (const auto& d : diags_.items()) n += d.severity == config::Severity::kError;
    return n;
  }

  Pipeline& p_;
  const PipelineOptions& opt_;
  config::Diagnostics& diags_;
  const Registry* registry_;
  Router* error_router_ = nullptr;
  std::set<std::string> ids_;
};

Pipeline::~Pipeline() {
  stop();
}

std::unique_ptr<Pipeline> Pipeline::build(const config::Element& root,
                                          const PipelineOptions& options,
                                          config::Diagnostics& diags) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  Builder builder(*p, options, diags);
  builder.run(root);
  if (diags.has_errors()) {
    p->stopped_ = true;  // nothing was started
    return nullptr;
  }
  // Fluentd's monitor_agent order: inputs, outputs, filters.
  for (auto* group : {&p->inputs_, &p->outputs_, &p->filters_})
    for (const auto& slot : *group)
      p->directory_.add({slot->ctx.get(), slot->plugin.get(),
                         slot->input_router ? &slot->input_router->counters : nullptr});
  return p;
}

Router* Pipeline::find_label(const std::string& name) {
  auto it = labels_.find(name);
  return it == labels_.end() ? nullptr : it->second.get();
}

Status Pipeline::start_group(std::vector<std::unique_ptr<Slot>>& group) {
  for (auto& slot : group) {
    Status s = slot->plugin->start();
    if (!s) {
      const PluginContext& c = *slot->ctx;
      std::string where = c.element ? c.element->loc.to_string() : "";
      Logger().error(std::string("failed to start ") + kind_word(c.kind) + " plugin" +
                     " type=:" + c.type + kv("plugin_id", c.id) + kv("location", where) +
                     kv("error", s.message()));
      return error(s.code(), std::string(kind_word(c.kind)) + " plugin '" + c.id + "' (" + where +
                                 "): " + s.message());
    }
    slot->started = true;
  }
  return Status::ok();
}

Status Pipeline::start() {
  stopped_ = false;
  Status s = start_group(outputs_);
  if (s) s = start_group(filters_);
  if (s) s = start_group(inputs_);
  if (!s) stop_all_started();
  return s;
}

void Pipeline::shutdown_group(std::vector<std::unique_ptr<Slot>>& group, bool log_lines) {
  for (auto& slot : group) {
    if (!slot->started) continue;
    if (log_lines)
      Logger().info(std::string("shutting down ") + kind_word(slot->ctx->kind) +
                    " plugin type=:" + slot->ctx->type + kv("plugin_id", slot->ctx->id));
    slot->plugin->shutdown();
  }
}

void Pipeline::stop_all_started() {
  // Same order as a graceful stop: inputs, outputs, filters (Fluentd's lifecycle order).
  for (auto* group : {&inputs_, &outputs_, &filters_})
    for (auto& slot : *group)
      if (slot->started) slot->plugin->stop();
  for (auto* group : {&inputs_, &outputs_, &filters_}) shutdown_group(*group, true);
  for (auto* group : {&inputs_, &outputs_, &filters_})
    for (auto& slot : *group)
      if (slot->started) {
        slot->plugin->close();
        slot->started = false;
      }
}

void Pipeline::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_all_started();
}

void Pipeline::flush_all() {
  for (auto& slot : outputs_)
    if (slot->started) static_cast<Output*>(slot->plugin.get())->flush_all();
}

}  // namespace shipper
