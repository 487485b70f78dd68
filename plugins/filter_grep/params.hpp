#pragma once
// filter_grep's parameters, as Fluentd declares them (spec §5.1).
#include <optional>
#include <string>
#include <vector>

#include "config/schema.hpp"

namespace shipper::filter_grep {

// <regexp> and <exclude>: a record-accessor key and a Ruby regexp.
struct RuleParams {
  std::string key;
  config::RegexpValue pattern;
  static void describe(config::Schema<RuleParams>& s) {
    s.param("key", &RuleParams::key).required().help("record accessor path of the field to test");
    s.param("pattern", &RuleParams::pattern).required().help("regexp searched in the field's text");
  }
};

// <and> / <or>: either <regexp>s or <exclude>s, not both.
struct GroupParams {
  std::vector<RuleParams> regexp;
  std::vector<RuleParams> exclude;
  static void describe(config::Schema<GroupParams>& s) {
    s.section("regexp", &GroupParams::regexp).help("a field that must match");
    s.section("exclude", &GroupParams::exclude).help("a field that must not match");
  }
};

constexpr int kLegacyRules = 20;

struct Params {
  std::vector<RuleParams> regexp;
  std::vector<RuleParams> exclude;
  std::vector<GroupParams> and_groups;
  std::vector<GroupParams> or_groups;
  // Deprecated "KEY PATTERN" forms regexp1..regexp20 and exclude1..exclude20 (one member each,
  // since the schema binds members).
#define SHIPPER_GREP_LEGACY(n) std::optional<std::string> regexp##n, exclude##n;
  SHIPPER_GREP_LEGACY(1)
  SHIPPER_GREP_LEGACY(2) SHIPPER_GREP_LEGACY(3) SHIPPER_GREP_LEGACY(4) SHIPPER_GREP_LEGACY(5)
      SHIPPER_GREP_LEGACY(6) SHIPPER_GREP_LEGACY(7) SHIPPER_GREP_LEGACY(8) SHIPPER_GREP_LEGACY(9)
          SHIPPER_GREP_LEGACY(10) SHIPPER_GREP_LEGACY(11) SHIPPER_GREP_LEGACY(12)
              SHIPPER_GREP_LEGACY(13) SHIPPER_GREP_LEGACY(14) SHIPPER_GREP_LEGACY(15)
                  SHIPPER_GREP_LEGACY(16) SHIPPER_GREP_LEGACY(17) SHIPPER_GREP_LEGACY(18)
                      SHIPPER_GREP_LEGACY(19) SHIPPER_GREP_LEGACY(20)
#undef SHIPPER_GREP_LEGACY

      // regexpN / excludeN by 0-based index.
      const std::optional<std::string>& legacy_regexp(int i) const;
  const std::optional<std::string>& legacy_exclude(int i) const;

  static void describe(config::Schema<Params>& s);
};

}  // namespace shipper::filter_grep
