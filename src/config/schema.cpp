#include "config/schema.hpp"

#include <cmath>
#include <cstdio>

#include "core/text.hpp"

namespace shipper::config {

const char* plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::kInput: return "input";
    case PluginKind::kOutput: return "output";
    case PluginKind::kFilter: return "filter";
    case PluginKind::kParser: return "parser";
    case PluginKind::kFormatter: return "formatter";
    case PluginKind::kBuffer: return "buffer";
    case PluginKind::kStorage: return "storage";
  }
  return "?";
}

const ParamSpec* SectionSpec::find_param(std::string_view name) const {
  for (const auto& p : params) {
    if (p.is_argument) continue;
    if (p.name == name) return &p;
    for (const auto& a : p.aliases)
      if (a == name) return &p;
  }
  return nullptr;
}

const ParamSpec* SectionSpec::argument() const {
  for (const auto& p : params)
    if (p.is_argument) return &p;
  return nullptr;
}

const SubsectionSpec* SectionSpec::find_section(std::string_view name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

std::string in_section(const BindContext& ctx, std::string message) {
  if (!ctx.section_path.empty()) message += ", in section " + ctx.section_path;
  return message;
}

namespace detail {

std::string ValueTraits<double>::show(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // Ruby prints floats with ".0"
  // Shortest round-trip form is nicer to read; %.17g can print 0.10000000000000001.
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) {
      s = buf;
      if (s.find_first_of(".en") == std::string::npos) s += ".0";
      break;
    }
  }
  return s;
}

std::string ValueTraits<Duration>::show(Duration v) {
  if (v.seconds == std::floor(v.seconds) && std::fabs(v.seconds) < 1e15)
    return std::to_string(static_cast<int64_t>(v.seconds));
  return ValueTraits<double>::show(v.seconds);
}

std::string ValueTraits<ArrayValue>::show(const ArrayValue& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}

std::string ValueTraits<HashValue>::show(const HashValue& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    s += (i ? "," : "") + v[i].first;
    if (v[i].second) s += ":" + *v[i].second;
  }
  return s;
}

bool report_convert_error(const Param& raw, const ParamSpec& self, BindContext& ctx,
                          const ConvertError& err) {
  std::string msg = err.message;
  // Fluentd prefixes the parameter name for Integer()/Float()/bool conversion errors only.
  if (starts_with(msg, "invalid value for") || starts_with(msg, "invalid bool value"))
    msg = self.name + ": " + msg;
  std::string hint;
  switch (self.type) {
    case ParamType::kBool: hint = "use true or false"; break;
    case ParamType::kInteger: hint = "use a whole number, e.g. 10"; break;
    case ParamType::kFloat: hint = "use a number, e.g. 1.5"; break;
    case ParamType::kSize: hint = "use bytes or a k/m/g/t suffix, e.g. 8m"; break;
    case ParamType::kTime: hint = "use seconds or an s/m/h/d suffix, e.g. 10s"; break;
    case ParamType::kArray: hint = "use a comma list (a,b) or a JSON array"; break;
    case ParamType::kHash: hint = "use k1:v1,k2:v2 or a JSON object"; break;
    default: break;
  }
  if (ctx.diags) ctx.diags->error(raw.value_loc, "invalid-value", in_section(ctx, msg), hint);
  return false;
}

bool check_enum(const std::string& value, const Param& raw, const ParamSpec& self,
                BindContext& ctx) {
  for (const auto& v : self.enum_values)
    if (v == value) return true;
  std::string list;
  for (size_t i = 0; i < self.enum_values.size(); ++i) list += (i ? "," : "") + self.enum_values[i];
  std::string hint;
  std::string near = closest_match(value, self.enum_values);
  hint = near.empty() ? "one of: " + list : "did you mean '" + near + "'?";
  if (ctx.diags)
    ctx.diags->error(raw.value_loc, "invalid-enum",
                     in_section(ctx, "valid options are " + list + " but got " + value), hint);
  return false;
}

bool report_nil(const Param& raw, const ParamSpec& self, BindContext& ctx) {
  std::string hint;
  if (self.type == ParamType::kBool)
    hint = "'" + raw.value + "' is not a bool; use true, false, yes or no (lower case)";
  if (ctx.diags)
    ctx.diags->error(raw.value_loc, "nil-value",
                     in_section(ctx, "'" + self.name + "' parameter is required but nil is specified"),
                     hint);
  return false;
}

}  // namespace detail

namespace {

bool is_reserved_key(std::string_view key) {
  return key == "@type" || key == "@id" || key == "@label" || key == "@log_level" ||
         key == "type" || key == "id" || key == "log_level";
}

// Binds one declared parameter from the element, if written.
bool bind_param(const ParamSpec& ps, void* obj, const Element& e, BindContext& ctx) {
  const Param* raw = e.find(ps.name);
  for (size_t i = 0; !raw && i < ps.aliases.size(); ++i) raw = e.find(ps.aliases[i]);
  if (!raw) {
    if (ps.required && ctx.diags)
      ctx.diags->error(e.loc, "missing-parameter",
                       in_section(ctx, "'" + ps.name + "' parameter is required"),
                       "add `" + ps.name + " VALUE` inside <" + e.name + ">");
    return !ps.required;
  }
  raw->used = true;
  if (!ps.obsoleted.empty()) {
    if (ctx.diags)
      ctx.diags->error(raw->key_loc, "obsoleted-parameter",
                       in_section(ctx, "'" + ps.name + "' parameter is already removed: " + ps.obsoleted));
    return false;
  }
  if (!ps.deprecated.empty() && ctx.diags)
    ctx.diags->warning(raw->key_loc, "deprecated-parameter",
                       "'" + ps.name + "' parameter is deprecated: " + ps.deprecated);
  if (raw->use_default) {
    if (ps.required) {
      if (ctx.diags)
        ctx.diags->error(raw->value_loc, "no-default",
                         in_section(ctx, "'" + ps.name + "' doesn't have default value"));
      return false;
    }
    return true;
  }
  if (raw->is_nil) {
    if (ps.default_text || ps.required) {
      if (ctx.diags)
        ctx.diags->error(raw->value_loc, "nil-value",
                         in_section(ctx, "'" + ps.name + "' parameter is required but nil is specified"));
      return false;
    }
    return true;
  }
  return ps.assign(obj, *raw, ps, ctx);
}

}  // namespace

bool bind_section(const SectionSpec& spec, void* obj, const Element& e, BindContext& ctx) {
  bool ok = true;
  e.used = true;
  for (const auto& ps : spec.params) {
    if (ps.is_argument) {
      // No argument (`<buffer>`): the declared default applies, as Fluentd's config_argument.
      if (e.arg.empty()) continue;
      Param arg;
      arg.key = ps.name;
      arg.value = e.arg;
      arg.key_loc = e.loc;
      arg.value_loc = e.arg_loc.known() ? e.arg_loc : e.loc;
      if (!ps.assign(obj, arg, ps, ctx)) ok = false;
      continue;
    }
    if (!bind_param(ps, obj, e, ctx)) ok = false;
  }
  for (const auto& ss : spec.sections) {
    std::vector<const Element*> found;
    for (const auto& child : e.children)
      if (child.name == ss.name) found.push_back(&child);
    if (found.empty()) {
      if (ss.required) {
        if (ctx.diags)
          ctx.diags->error(e.loc, "missing-section", in_section(ctx, "'<" + ss.name + ">' sections are required"),
                           "add a <" + ss.name + "> … </" + ss.name + "> section inside <" + e.name + ">");
        ok = false;
      }
      continue;
    }
    if (!ss.multi && found.size() > 1) {
      if (ctx.diags)
        ctx.diags->error(found[1]->loc, "duplicate-section",
                         in_section(ctx, "'<" + ss.name + ">' section cannot be written twice or more"),
                         "merge the two <" + ss.name + "> sections into one");
      ok = false;
    }
    for (const Element* child : found) {
      child->used = true;
      if (ss.needs_argument && child->arg.empty()) {
        if (ctx.diags)
          ctx.diags->error(child->loc, "missing-argument",
                           in_section(ctx, "'<" + ss.name + " ARG>' section requires argument"));
        ok = false;
        continue;
      }
      BindContext sub = ctx;
      sub.section_path = ctx.section_path.empty() ? ss.name : ctx.section_path + " > " + ss.name;
      if (!ss.assign(obj, *child, ss, sub)) ok = false;
      if (ss.kind == SectionKind::kPlugin && ctx.plugin_schema) {
        std::string type = child->type();
        if (type.empty()) type = ss.default_type;
        if (const SectionSpec* ps = ctx.plugin_schema(ss.plugin_kind, type)) {
          auto scratch = ps->create();
          if (!bind_section(*ps, scratch.get(), *child, sub)) ok = false;
        }
      }
    }
  }
  if (ok) {
    // Validators report their own diagnostics.
    for (const auto& v : spec.validators) v(obj, e, ctx);
  }
  if (ctx.warn_unknown && ctx.diags) {
    std::vector<std::string> names;
    for (const auto& ps : spec.params)
      if (!ps.is_argument) names.push_back(ps.name);
    for (const auto& p : e.params) {
      if (p.used || is_reserved_key(p.key) || spec.find_param(p.key)) continue;
      std::string near = closest_match(p.key, names);
      ctx.diags->warning(p.key_loc, "unknown-parameter",
                         "parameter '" + p.key + "' in <" + e.name + (e.arg.empty() ? "" : " " + e.arg) +
                             "> is not used",
                         near.empty() ? "remove it, or check the plugin's parameters with shipper --describe"
                                      : "did you mean '" + near + "'?");
    }
    for (const auto& child : e.children) {
      if (spec.find_section(child.name)) continue;
      ctx.diags->warning(child.loc, "unknown-section",
                         "section <" + child.name + "> is not used in <" + e.name +
                             (e.arg.empty() ? "" : " " + e.arg) + ">",
                         "remove it, or check the plugin's sections with shipper --describe");
    }
  }
  return ok;
}

}  // namespace shipper::config
