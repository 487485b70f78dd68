#include "config/dump.hpp"

namespace shipper::config {

std::string dump_quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

namespace {

std::string render_value(const Element& e, const Param& p, const DumpTypes* types) {
  if (p.is_nil) return "";
  const SectionSpec* spec = nullptr;
  if (types) {
    auto it = types->schemas.find(&e);
    if (it != types->schemas.end()) spec = it->second;
  }
  if (p.key == "@type" && types && types->plugin_sections.count(&e)) return dump_quote(p.value);
  if (!spec || (!p.key.empty() && p.key[0] == '@')) return p.value;
  const ParamSpec* ps = spec->find_param(p.key);
  if (!ps) return p.value;
  if (p.use_default) return ps->default_text.value_or("");
  if (ps->secret) return "xxxxxx";
  if (ps->type == ParamType::kString) return dump_quote(p.value);
  return p.value;
}

}  // namespace

std::string dump_element(const Element& e, const DumpTypes* types, int indent) {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  std::string out = pad + "<" + e.name + (e.arg.empty() ? "" : " " + e.arg) + ">\n";
  for (const auto& p : e.params) out += pad + "  " + p.key + " " + render_value(e, p, types) + "\n";
  for (const auto& child : e.children) out += dump_element(child, types, indent + 1);
  out += pad + "</" + e.name + ">\n";
  return out;
}

}  // namespace shipper::config
