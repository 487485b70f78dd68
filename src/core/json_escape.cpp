#include "core/json_escape.hpp"

namespace shipper {

void append_json_escaped(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  // Bytes that need no escaping are appended in runs: most strings have none to escape.
  size_t run = 0;  // start of the pending run
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
}

// In this file (not a wrapper elsewhere) so the escaping loop can be inlined into it: formatters
// call it for every key and string value.
void append_json_string(std::string_view s, std::string& out) {
  out += '"';
  append_json_escaped(s, out);
  out += '"';
}

}  // namespace shipper
