#pragma once
// What the linter's checks share: the options, the diagnostics, and what the directive walk
// found (plugins, routers with their ordered rules, labels and the @label references).
#include <map>
#include <string>
#include <vector>

#include "config/dump.hpp"
#include "engine/linter.hpp"
#include "engine/system_config.hpp"

namespace shipper::lint {

struct PluginUse {
  config::PluginKind kind;
  std::string type;
  const config::Element* element = nullptr;
  const PluginInfo* info = nullptr;  // null when the type is unknown
  int worker_scope = 0;              // 0: every worker; otherwise the <worker> block's number
  int worker_count = 1;              // how many workers run it
};

// One <filter> or <match> in a router's ordered rule list.
struct Rule {
  bool is_match = false;
  const config::Element* element = nullptr;
  std::vector<std::string> patterns;
  int worker_scope = 0;
};

struct Router {
  std::string label;  // "" for the top level
  const config::Element* label_element = nullptr;
  std::vector<Rule> rules;
};

struct LabelRef {
  std::string name;
  const config::Param* param = nullptr;
};

struct LintState {
  LintState(const Registry& r, const LintOptions& o, config::Diagnostics& d, config::DumpTypes* t)
      : registry(r), options(o), diags(d), dump(t) {}
  const Registry& registry;
  const LintOptions& options;
  config::Diagnostics& diags;
  config::DumpTypes* dump;  // may be null

  bool strict = false;
  int workers = 1;
  SystemParams system_params;
  SystemSettings system;
  std::vector<PluginUse> plugins;
  std::vector<Router> routers;  // [0] is the top level
  std::map<std::string, const config::Element*> labels;
  std::vector<LabelRef> label_refs;
  std::map<std::string, const config::Param*> ids;  // @id → where it was first given
};

// directive_checks.cpp: <system>, <worker>, <label>, every plugin directive bound through its
// schema (and constructed, as fluentd's configure), @id/@label/@log_level, unused sections.
void check_directives(LintState& st, const config::Element& root);
// routing_checks.cpp: pattern syntax, unreachable <match>/<filter>, labels used and defined.
void check_routing(LintState& st);
// path_checks.cpp: two in_tail sharing a pos_file, two outputs sharing a buffer path.
void check_paths(LintState& st);

// "<source>" / "<match a.**>" for messages.
std::string tag_of(const config::Element& e);

}  // namespace shipper::lint
