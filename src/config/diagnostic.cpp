#include "config/diagnostic.hpp"

#include <cstdio>

namespace shipper::config {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "?";
}

std::string format_text(const Diagnostic& d) {
  std::string out = d.loc.file.empty() ? "<config>" : d.loc.file;
  out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": ";
  out += severity_name(d.severity);
  out += ": " + d.message;
  if (!d.code.empty()) out += " [" + d.code + "]";
  if (!d.hint.empty()) out += "\n  hint: " + d.hint;
  return out;
}

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}
}  // namespace

std::string format_json(const Diagnostic& d) {
  return "{\"file\":" + json_string(d.loc.file) + ",\"line\":" + std::to_string(d.loc.line) +
         ",\"column\":" + std::to_string(d.loc.column) + ",\"severity\":\"" +
         severity_name(d.severity) + "\",\"code\":" + json_string(d.code) +
         ",\"message\":" + json_string(d.message) + ",\"hint\":" + json_string(d.hint) + "}";
}

}  // namespace shipper::config
