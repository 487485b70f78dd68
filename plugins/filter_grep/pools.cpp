#include "plugins/filter_grep/pools.hpp"

namespace shipper::filter_grep {
namespace {

struct Builder {
  config::Diagnostics* diags;
  const config::Element& e;
  bool ok = true;

  void fail(const config::Location& loc, std::string message, std::string hint = {}) {
    ok = false;
    if (diags) diags->error(loc, "config-error", std::move(message), std::move(hint));
  }

  // Adds one rule to `pool`; `duplicate` is the message used when the key is already there.
  void add(std::vector<Rule>& pool, const std::string& key, std::string_view pattern,
           RubyRegexOptions options, const config::Location& loc, const std::string& duplicate) {
    for (const auto& r : pool)
      if (r.key == key)
        return fail(loc, duplicate, "each key may appear once per pool; merge the patterns with |");
    auto accessor = RecordAccessor::parse(key);
    if (!accessor) return fail(loc, accessor.status().message());
    options.utf8 = true;  // record values are UTF-8 strings in Fluentd
    RubyRegex regex(pattern, options);
    if (!regex.ok())
      return fail(loc, "invalid regexp /" + std::string(pattern) + "/: " + regex.error(),
                  "RE2 has no lookaround, backreferences or atomic groups");
    pool.push_back({key, std::move(*accessor), std::move(regex)});
  }

  void add_rule(std::vector<Rule>& pool, const RuleParams& r, const config::Location& loc) {
    add(pool, r.key, r.pattern.source, {r.pattern.ignore_case, r.pattern.multiline, true}, loc,
        "Duplicate key: " + r.key);
  }

  const config::Element* child(std::string_view name, size_t index) const {
    size_t n = 0;
    for (const auto& c : e.children)
      if (c.name == name && n++ == index) return &c;
    return nullptr;
  }
  config::Location loc_of(std::string_view name, size_t index) const {
    const config::Element* c = child(name, index);
    return c ? c->loc : e.loc;
  }
};

}  // namespace

bool build_pools(const Params& p, config::Diagnostics* diags, const config::Element& e,
                 Pools& out) {
  Builder b{diags, e};
  // Legacy `regexpN KEY PATTERN` / `excludeN KEY PATTERN` parameters, numbered from 1.
  auto add_legacy = [&](const char* prefix, auto value_of, auto& pool) {
    for (int i = 0; i < kLegacyRules; ++i) {
      const auto& v = value_of(i);
      if (!v) continue;
      std::string name = prefix + std::to_string(i + 1);
      const config::Param* raw = e.find(name);
      config::Location loc = raw ? raw->key_loc : e.loc;
      size_t sp = v->find(' ');
      if (sp == std::string::npos) {
        b.fail(loc, name + " does not contain 2 parameters", "write `" + name + " KEY PATTERN`");
        continue;
      }
      std::string key = v->substr(0, sp);
      b.add(pool, key, std::string_view(*v).substr(sp + 1), {}, loc,
            name + " contains a duplicated key, " + key);
    }
  };
  add_legacy("regexp", [&](int i) -> const auto& { return p.legacy_regexp(i); }, out.regexp_and);
  add_legacy("exclude", [&](int i) -> const auto& { return p.legacy_exclude(i); }, out.exclude_or);
  for (size_t i = 0; i < p.regexp.size(); ++i)
    b.add_rule(out.regexp_and, p.regexp[i], b.loc_of("regexp", i));
  for (size_t i = 0; i < p.exclude.size(); ++i)
    b.add_rule(out.exclude_or, p.exclude[i], b.loc_of("exclude", i));
  for (size_t i = 0; i < p.and_groups.size(); ++i) {
    const auto& g = p.and_groups[i];
    config::Location loc = b.loc_of("and", i);
    if (!g.regexp.empty() && !g.exclude.empty()) {
      b.fail(loc, "Do not specify both <regexp> and <exclude> in <and>",
             "split them into two <and> sections");
      continue;
    }
    for (const auto& r : g.regexp) b.add_rule(out.regexp_and, r, loc);
    for (const auto& r : g.exclude) b.add_rule(out.exclude_and, r, loc);
  }
  for (size_t i = 0; i < p.or_groups.size(); ++i) {
    const auto& g = p.or_groups[i];
    config::Location loc = b.loc_of("or", i);
    if (!g.regexp.empty() && !g.exclude.empty()) {
      b.fail(loc, "Do not specify both <regexp> and <exclude> in <or>",
             "split them into two <or> sections");
      continue;
    }
    for (const auto& r : g.regexp) b.add_rule(out.regexp_or, r, loc);
    for (const auto& r : g.exclude) b.add_rule(out.exclude_or, r, loc);
  }
  return b.ok;
}

}  // namespace shipper::filter_grep
