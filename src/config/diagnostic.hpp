#pragma once
// Config diagnostics: {file, line, column, severity, code, message, hint}. Printed as
// `fluent.conf:12:5: error: message [code]` followed by `  hint: …`, or as JSON lines for CI.
#include <string>
#include <vector>

#include "config/location.hpp"

namespace shipper::config {

enum class Severity { kError, kWarning, kInfo };

struct Diagnostic {
  Location loc;
  Severity severity = Severity::kError;
  std::string code;     // stable kebab-case id, e.g. "unknown-parameter"
  std::string message;  // one line, says what is wrong
  std::string hint;     // one line, says how to fix it (may be empty)
};

class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(const Location& loc, std::string code, std::string message, std::string hint = {}) {
    add({loc, Severity::kError, std::move(code), std::move(message), std::move(hint)});
  }
  void warning(const Location& loc, std::string code, std::string message, std::string hint = {}) {
    add({loc, Severity::kWarning, std::move(code), std::move(message), std::move(hint)});
  }
  bool has_errors() const {
    for (const auto& d : items_)
      if (d.severity == Severity::kError) return true;
    return false;
  }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>& items() { return items_; }
  void append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
  }

 private:
  std::vector<Diagnostic> items_;
};

const char* severity_name(Severity s);
// `FILE:LINE:COL: error: message [code]` and, when there is a hint, `\n  hint: …`.
std::string format_text(const Diagnostic& d);
// One JSON object on one line: {"file","line","column","severity","code","message","hint"}.
std::string format_json(const Diagnostic& d);

// Thrown while loading configuration (never on the data path) when parsing cannot go on.
struct ConfigException {
  Diagnostic diagnostic;
};

}  // namespace shipper::config
