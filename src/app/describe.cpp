// --describe, --list-plugins and --setup: everything here comes from the registry's schemas.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/app.hpp"
#include "core/text.hpp"
#include "engine/system_config.hpp"

namespace shipper::app {

namespace {

using config::PluginKind;

const PluginKind kKinds[] = {PluginKind::kInput,  PluginKind::kOutput,    PluginKind::kFilter,
                             PluginKind::kParser, PluginKind::kFormatter, PluginKind::kBuffer,
                             PluginKind::kStorage};

bool kind_from_name(const std::string& name, PluginKind& out) {
  for (auto k : kKinds)
    if (name == config::plugin_kind_name(k)) return out = k, true;
  if (name == "source" || name == "in") return out = PluginKind::kInput, true;
  if (name == "match" || name == "out") return out = PluginKind::kOutput, true;
  return false;
}

void describe_params(const config::SectionSpec& spec, const std::string& pad, std::string& out) {
  for (const auto& p : spec.params) {
    std::string line = pad + (p.is_argument ? "<argument> " + p.name : p.name) + " (" +
                       config::param_type_name(p.type);
    if (p.type == config::ParamType::kArray || p.type == config::ParamType::kHash)
      if (p.element_type != config::ParamType::kString)
        line += std::string(" of ") + config::param_type_name(p.element_type);
    if (p.required)
      line += ", required";
    else
      line += ", default: " +
              (p.default_text ? (p.default_text->empty() ? "\"\"" : *p.default_text) : "nil");
    if (p.secret) line += ", secret";
    line += ")";
    out += line + "\n";
    if (!p.enum_values.empty()) {
      std::string values;
      for (const auto& v : p.enum_values) values += (values.empty() ? "" : ", ") + v;
      out += pad + "    one of: " + values + "\n";
    }
    if (!p.aliases.empty()) {
      std::string names;
      for (const auto& a : p.aliases) names += (names.empty() ? "" : ", ") + a;
      out += pad + "    also spelled: " + names + "\n";
    }
    if (!p.deprecated.empty()) out += pad + "    deprecated: " + p.deprecated + "\n";
    if (!p.obsoleted.empty()) out += pad + "    removed: " + p.obsoleted + "\n";
    if (!p.help.empty()) out += pad + "    " + p.help + "\n";
  }
}

void describe_sections(const config::SectionSpec& spec, const std::string& pad, int depth,
                       std::string& out) {
  for (const auto& s : spec.sections) {
    std::string line = pad + "<" + s.name + (s.needs_argument ? " ARG" : "") + ">";
    std::vector<std::string> traits;
    traits.push_back(s.multi ? "multiple" : "single");
    traits.push_back(s.required ? "required" : "optional");
    if (s.kind == config::SectionKind::kPlugin) {
      std::string t = std::string(config::plugin_kind_name(s.plugin_kind)) + " plugin";
      if (!s.default_type.empty()) t += ", default @type " + s.default_type;
      traits.push_back(t);
    } else if (s.kind == config::SectionKind::kFreeForm) {
      traits.push_back("free-form keys");
    }
    std::string joined;
    for (const auto& t : traits) joined += (joined.empty() ? "" : ", ") + t;
    out += line + " (" + joined + ")\n";
    if (!s.help.empty()) out += pad + "    " + s.help + "\n";
    if (s.kind == config::SectionKind::kFixed && depth < 8) {
      const config::SectionSpec& sub = s.spec();
      describe_params(sub, pad + "  ", out);
      describe_sections(sub, pad + "  ", depth + 1, out);
    } else if (s.kind == config::SectionKind::kPlugin) {
      out += pad + "    parameters: shipper --describe " + config::plugin_kind_name(s.plugin_kind) +
             ":TYPE\n";
    }
  }
}

std::string describe_schema(const std::string& title, const config::SectionSpec& spec) {
  std::string out = title;
  out += "\nParameters:\n";
  if (spec.params.empty()) out += "  (none)\n";
  describe_params(spec, "  ", out);
  if (!spec.sections.empty()) {
    out += "Sections:\n";
    describe_sections(spec, "  ", 0, out);
  }
  return out;
}

}  // namespace

std::string describe_text(const std::string& what, const Registry& registry, std::string& error) {
  if (what == "system")
    return describe_schema("<system>: process-wide settings\n", system_schema());
  std::string type = what;
  std::vector<const PluginInfo*> found;
  if (auto colon = what.find(':'); colon != std::string::npos) {
    PluginKind kind;
    if (!kind_from_name(what.substr(0, colon), kind)) {
      error = "unknown plugin kind '" + what.substr(0, colon) +
              "' (use input, output, filter, parser, formatter, buffer or storage)";
      return {};
    }
    type = what.substr(colon + 1);
    if (const PluginInfo* info = registry.find(kind, type)) found.push_back(info);
  } else {
    for (auto k : kKinds)
      if (const PluginInfo* info = registry.find(k, type)) found.push_back(info);
  }
  if (found.empty()) {
    std::vector<std::string> names;
    for (const auto* info : registry.all()) names.push_back(info->name);
    std::string near = closest_match(type, names);
    error = "unknown plugin '" + what + "'" +
            (near.empty() ? "" : "; did you mean '" + near + "'?") +
            " (shipper --list-plugins lists them)";
    return {};
  }
  if (found.size() > 1) {
    std::string options;
    for (const auto* info : found)
      options += (options.empty() ? "" : " or ") +
                 std::string(config::plugin_kind_name(info->kind)) + ":" + type;
    error = "'" + type + "' names several plugins; use " + options;
    return {};
  }
  const PluginInfo& info = *found.front();
  std::string title =
      std::string(config::plugin_kind_name(info.kind)) + " plugin '" + info.name +
      "': " + info.summary + "\n" +
      (info.runnable ? "runs in shipper"
                     : "lint only: its parameters are checked, but it cannot run yet") +
      "\n";
  if (!info.schema) return title;
  return describe_schema(title, *info.schema);
}

std::string list_plugins_text(const Registry& registry) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-10s %-24s %-9s %s\n", "KIND", "TYPE", "STATUS", "SUMMARY");
  out += buf;
  for (auto kind : kKinds) {
    for (const auto* info : registry.all()) {
      if (info->kind != kind) continue;
      std::snprintf(buf, sizeof buf, "%-10s %-24s %-9s %s\n", config::plugin_kind_name(kind),
                    info->name.c_str(), info->runnable ? "runs" : "lint-only",
                    info->summary.c_str());
      out += buf;
    }
  }
  return out;
}

int command_describe(const std::string& what, const Registry& registry) {
  std::string error;
  std::string text = describe_text(what, registry, error);
  if (!error.empty()) {
    std::fprintf(stderr, "shipper: %s\n", error.c_str());
    return 1;
  }
  std::fputs(text.c_str(), stdout);
  return 0;
}

int command_list_plugins(const Registry& registry) {
  std::fputs(list_plugins_text(registry).c_str(), stdout);
  return 0;
}

int command_setup(const std::string& dir_arg) {
  std::string dir = dir_arg.empty() ? "/fluentd/etc" : dir_arg;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir) / "plugin", ec);
  if (ec) {
    std::fprintf(stderr, "shipper: cannot create %s/plugin: %s\n", dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::string conf = dir + "/fluent.conf";
  if (std::filesystem::exists(conf, ec)) {
    std::printf("%s already exists.\n", conf.c_str());
    return 0;
  }
  std::ofstream f(conf);
  f << "# Receive events over the forward protocol on 24224 and print them.\n"
       "<source>\n  @type forward\n  port 24224\n  bind 127.0.0.1\n</source>\n\n"
       "<match **>\n  @type stdout\n</match>\n";
  if (!f) {
    std::fprintf(stderr, "shipper: cannot write %s\n", conf.c_str());
    return 1;
  }
  std::printf("Installed %s.\n", conf.c_str());
  return 0;
}

}  // namespace shipper::app
