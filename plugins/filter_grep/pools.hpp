#pragma once
// filter_grep's rules compiled into Fluentd's four pools.
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/element.hpp"
#include "core/record_accessor.hpp"
#include "core/ruby_regex.hpp"
#include "plugins/filter_grep/params.hpp"

namespace shipper::filter_grep {

struct Rule {
  std::string key;
  RecordAccessor accessor;
  RubyRegex regex;
};

struct Pools {
  std::vector<Rule> regexp_and;   // top-level <regexp>, <and><regexp>, regexpN
  std::vector<Rule> exclude_and;  // <and><exclude>
  std::vector<Rule> regexp_or;    // <or><regexp>
  std::vector<Rule> exclude_or;   // top-level <exclude>, <or><exclude>, excludeN
};

// Builds the pools; errors (Fluentd's ConfigError texts) go to `diags` when given, located in
// `e`. Returns false when there was an error.
bool build_pools(const Params& p, config::Diagnostics* diags, const config::Element& e, Pools& out);

}  // namespace shipper::filter_grep
