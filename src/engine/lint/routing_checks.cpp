// Routing facts fluentd never checks: rules that can never see an event, and label references.
#include "core/text.hpp"
#include "engine/lint/lint_state.hpp"
#include "engine/lint/pattern_cover.hpp"

namespace shipper::lint {

using config::Element;
using config::Location;

namespace {

Location arg_location(const Element& e) {
  return e.arg_loc.known() ? e.arg_loc : e.loc;
}

std::string where(const Element& e) {
  return tag_of(e) + " at line " + std::to_string(e.loc.line);
}

void check_pattern_syntax(LintState& st, const Rule& rule) {
  for (size_t i = 0; i < rule.patterns.size(); ++i) {
    const std::string& p = rule.patterns[i];
    if (auto err = pattern_error(p)) {
      st.diags.error(arg_location(*rule.element), "invalid-match-pattern", *err + ": " + p,
                     "a regex pattern is written /REGEX/ without spaces");
      continue;
    }
    // `{a, b}`: whitespace splits it into the broken patterns `{a,` and `b}`.
    bool opens = p.find('{') != std::string::npos && p.find('}') == std::string::npos;
    if (opens && i + 1 < rule.patterns.size() &&
        rule.patterns[i + 1].find('}') != std::string::npos)
      st.diags.warning(arg_location(*rule.element), "pattern-space-in-braces",
                       "'" + p + " " + rule.patterns[i + 1] +
                           "' is split at the space into two patterns; neither is what was meant",
                       "remove the spaces inside {…}");
  }
}

void check_router(LintState& st, const Router& router) {
  for (size_t i = 0; i < router.rules.size(); ++i) {
    const Rule& rule = router.rules[i];
    check_pattern_syntax(st, rule);
    // The earlier <match> rules every worker running this rule also runs.
    std::vector<std::string> earlier;
    const Element* single = nullptr;  // one earlier <match> that alone catches every tag
    std::vector<const Element*> catchers;
    for (size_t j = 0; j < i; ++j) {
      const Rule& prev = router.rules[j];
      if (!prev.is_match) continue;
      if (prev.worker_scope != 0 && prev.worker_scope != rule.worker_scope) continue;
      earlier.insert(earlier.end(), prev.patterns.begin(), prev.patterns.end());
      catchers.push_back(prev.element);
      if (!single && patterns_cover(prev.patterns, rule.patterns)) single = prev.element;
    }
    if (earlier.empty() || !(single || patterns_cover(earlier, rule.patterns))) continue;
    std::string by;
    if (single) {
      by = where(*single);
    } else {
      by = "the earlier <match> directives";
      for (const auto* c : catchers)
        by += " " + tag_of(*c) + " (line " + std::to_string(c->loc.line) + ")";
    }
    std::string in = router.label.empty() ? "" : " in <label " + router.label + ">";
    if (rule.is_match) {
      st.diags.warning(
          arg_location(*rule.element), "unreachable-match",
          tag_of(*rule.element) + " can never receive events" + in + ": " + by +
              " catches every tag it matches",
          "move it above the broader <match>, or use @type copy to send events to both");
    } else {
      st.diags.warning(arg_location(*rule.element), "unreachable-filter",
                       tag_of(*rule.element) + " never runs" + in + ": " + by +
                           " before it catches every tag it matches",
                       "move the <filter> above that <match>");
    }
  }
}

}  // namespace

void check_routing(LintState& st) {
  for (const auto& router : st.routers) check_router(st, router);

  std::map<std::string, int> uses;
  for (const auto& ref : st.label_refs) {
    uses[ref.name]++;
    if (ref.name == "@ROOT" || st.labels.count(ref.name)) continue;
    std::vector<std::string> names;
    for (const auto& [name, el] : st.labels) names.push_back(name);
    std::string near = closest_match(ref.name, names);
    st.diags.error(ref.param->value_loc.known() ? ref.param->value_loc : ref.param->key_loc,
                   "label-not-found", ref.name + " label not found",
                   near.empty() ? "define <label " + ref.name + "> with a <match> inside"
                                : "did you mean '" + near + "'?");
  }
  for (const auto& [name, el] : st.labels) {
    if (name == "@ERROR" || name == "@FLUENT_LOG" || uses.count(name)) continue;
    st.diags.warning(el->loc, "label-unused",
                     "<label " + name + "> receives no events: no plugin has @label " + name,
                     "add `@label " + name + "` to the <source> that should feed it, or remove it");
  }
}

}  // namespace shipper::lint
