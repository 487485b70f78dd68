#include "plugins/filter_grep/params.hpp"

#include "plugins/filter_grep/pools.hpp"

namespace shipper::filter_grep {
namespace {

using Member = std::optional<std::string> Params::*;

#define SHIPPER_GREP_MEMBERS(name)                                                                 \
  {                                                                                                \
    &Params::name##1, &Params::name##2, &Params::name##3, &Params::name##4, &Params::name##5,      \
        &Params::name##6, &Params::name##7, &Params::name##8, &Params::name##9, &Params::name##10, \
        &Params::name##11, &Params::name##12, &Params::name##13, &Params::name##14,                \
        &Params::name##15, &Params::name##16, &Params::name##17, &Params::name##18,                \
        &Params::name##19, &Params::name##20                                                       \
  }
const Member kRegexp[kLegacyRules] = SHIPPER_GREP_MEMBERS(regexp);
const Member kExclude[kLegacyRules] = SHIPPER_GREP_MEMBERS(exclude);
#undef SHIPPER_GREP_MEMBERS

}  // namespace

const std::optional<std::string>& Params::legacy_regexp(int i) const {
  return this->*kRegexp[i];
}
const std::optional<std::string>& Params::legacy_exclude(int i) const {
  return this->*kExclude[i];
}

void Params::describe(config::Schema<Params>& s) {
  s.section("regexp", &Params::regexp).help("keep events whose field matches (all must match)");
  s.section("exclude", &Params::exclude).help("drop events whose field matches (any)");
  s.section("and", &Params::and_groups)
      .help("<regexp>s that must all match, or <exclude>s that drop when all match");
  s.section("or", &Params::or_groups)
      .help("<regexp>s of which one must match, or <exclude>s that drop when any matches");
  for (int i = 0; i < kLegacyRules; ++i) {
    std::string n = std::to_string(i + 1);
    s.param("regexp" + n, kRegexp[i])
        .deprecated("Use <regexp> section")
        .help("\"KEY PATTERN\": legacy form of <regexp>");
  }
  for (int i = 0; i < kLegacyRules; ++i) {
    std::string n = std::to_string(i + 1);
    s.param("exclude" + n, kExclude[i])
        .deprecated("Use <exclude> section")
        .help("\"KEY PATTERN\": legacy form of <exclude>");
  }
  s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
    Pools pools;
    build_pools(p, ctx.diags, e, pools);
  });
}

}  // namespace shipper::filter_grep
