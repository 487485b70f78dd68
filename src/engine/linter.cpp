#include "engine/linter.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "engine/lint/lint_state.hpp"

namespace shipper {

void lint_config(const config::Element& root, const Registry& registry, const LintOptions& options,
                 config::Diagnostics& diags) {
  lint_config(root, registry, options, diags, nullptr);
}

void lint_config(const config::Element& root, const Registry& registry, const LintOptions& options,
                 config::Diagnostics& diags, config::DumpTypes* dump_types) {
  config::Diagnostics found;
  lint::LintState st(registry, options, found, dump_types);
  try {
    lint::check_directives(st, root);
    lint::check_routing(st);
    lint::check_paths(st);
  } catch (const std::exception& ex) {
    found.error(root.loc, "internal-error", std::string("the linter stopped: ") + ex.what());
  }
  diags.append(found);
}

void normalize_diagnostics(config::Diagnostics& diags) {
  auto& items = diags.items();
  std::stable_sort(items.begin(), items.end(),
                   [](const config::Diagnostic& a, const config::Diagnostic& b) {
                     return std::tie(a.loc.file, a.loc.line, a.loc.column) <
                            std::tie(b.loc.file, b.loc.line, b.loc.column);
                   });
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  std::vector<config::Diagnostic> out;
  for (auto& d : items) {
    // An unknown plugin is reported once per place, whoever found it first.
    std::string key = d.code == "unknown-plugin" ? std::string() : d.message;
    if (seen.emplace(d.loc.file, d.loc.line, d.loc.column, d.code, key).second)
      out.push_back(std::move(d));
  }
  items = std::move(out);
}

}  // namespace shipper
