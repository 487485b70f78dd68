#include "plugins/in_tail/group_throttle.hpp"

#include <algorithm>

namespace shipper::in_tail {

namespace {

RubyRegex compile(const config::RegexpValue& re) {
  return RubyRegex(re.source, {re.ignore_case, re.multiline, false});
}

// One rule regexp as a group of the key, keeping its flags (Ruby's Regexp#to_s does the same).
std::string key_piece(const config::RegexpValue& re) {
  std::string flags = std::string(re.ignore_case ? "i" : "") + (re.multiline ? "s" : "");
  return "(?" + flags + ":" + re.source + ")";
}

config::RegexpValue match_value(const std::optional<std::string>& v) {
  config::ConvertError err;
  auto re = config::to_regexp(v.value_or(""), &err);
  return re ? *re : config::RegexpValue{};
}

// The named captures of the pattern, in order.
std::vector<std::string> capture_names(const RubyRegex& pattern) {
  std::vector<std::string> names;
  for (const auto& [name, index] : pattern.named_groups()) names.push_back(name);
  return names;
}

std::string rule_key(const RuleParams& rule, const std::vector<std::string>& names) {
  std::string key;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) key += '_';
    auto it = std::find_if(rule.match.begin(), rule.match.end(),
                           [&](const auto& kv) { return kv.first == names[i]; });
    key += it == rule.match.end() ? "(?:.*)" : key_piece(match_value(it->second));
  }
  return key;
}

std::string default_key(const std::vector<std::string>& names) {
  return rule_key(RuleParams{.match = {}}, names);
}

}  // namespace

std::string check_group(const GroupParams& params) {
  RubyRegex pattern = compile(params.pattern);
  if (!pattern.ok()) return "invalid <group> pattern: " + pattern.error();
  for (const auto& rule : params.rule) {
    if (rule.limit < -1) return "Metadata Group Limit >= DEFAULT_LIMIT";
    for (const auto& [name, value] : rule.match) {
      RubyRegex re = compile(match_value(value));
      if (!re.ok()) return "invalid <rule> match regexp for " + name + ": " + re.error();
    }
  }
  return {};
}

GroupThrottle::GroupThrottle(const GroupParams& params) : pattern_(compile(params.pattern)) {
  std::vector<std::string> names = capture_names(pattern_);
  std::vector<const RuleParams*> rules;
  for (const auto& r : params.rule) rules.push_back(&r);
  // Specific rules (more match keys) first, as Fluentd sorts them.
  std::stable_sort(rules.begin(), rules.end(), [](const RuleParams* a, const RuleParams* b) {
    return a->match.size() > b->match.size();
  });
  auto add = [&](const std::string& key, int64_t limit) {
    for (auto& g : groups_)
      if (g->key == key) return g.get();  // the first rule with a key sets its limit
    auto g = std::make_unique<ThrottleGroup>();
    g->key = key;
    g->limit = limit;
    g->rate_period = params.rate_period.seconds;
    g->key_regex = RubyRegex(key, {});
    groups_.push_back(std::move(g));
    return groups_.back().get();
  };
  for (const RuleParams* r : rules) add(rule_key(*r, names), r->limit);
  default_group_ = add(default_key(names), -1);
}

ThrottleGroup* GroupThrottle::find(const std::string& path, bool* unmatched) const {
  std::vector<re2::StringPiece> groups;
  if (!pattern_.ok() || !pattern_.match(path, groups)) {
    if (unmatched) *unmatched = true;
    return default_group_;
  }
  if (unmatched) *unmatched = false;
  std::string metadata;
  bool first = true;
  for (const auto& [name, index] : pattern_.named_groups()) {
    if (!first) metadata += '_';
    first = false;
    const auto& g = groups[index];
    if (g.data()) metadata.append(g.data(), g.size());
  }
  for (const auto& g : groups_)
    if (g.get() != default_group_ && g->key_regex.ok() && g->key_regex.search(metadata))
      return g.get();
  return default_group_;
}

const ThrottleGroup* GroupThrottle::group_of(const std::string& path, bool* unmatched) const {
  return find(path, unmatched);
}

std::shared_ptr<GroupMember> GroupThrottle::join(const std::string& path, bool* unmatched) {
  auto& m = members_[path];
  if (!m) {
    m = std::make_shared<GroupMember>();
    m->group = find(path, unmatched);
    m->path = path;
    ++m->group->files;
  } else if (unmatched) {
    *unmatched = false;
  }
  ++m->watchers;
  return m;
}

void GroupThrottle::leave(const std::shared_ptr<GroupMember>& member) {
  if (!member || --member->watchers > 0) return;
  auto it = members_.find(member->path);
  if (it == members_.end() || it->second != member) return;
  --member->group->files;
  members_.erase(it);
}

uint64_t GroupThrottle::allowance(GroupMember& m, double now, double* resume_at) {
  const ThrottleGroup& g = *m.group;
  if (g.limit < 0) return UINT64_MAX;
  if (m.period_start >= 0 && now - m.period_start >= g.rate_period) {
    m.period_start = -1;
    m.lines = 0;
  }
  if (g.limit == 0) {
    *resume_at = now + g.rate_period;
    return 0;
  }
  uint64_t quota =
      std::max<uint64_t>(1, static_cast<uint64_t>(g.limit) / std::max<uint64_t>(1, g.files));
  if (m.lines < quota) return quota - m.lines;
  *resume_at = m.period_start + g.rate_period;
  return 0;
}

void GroupThrottle::consumed(GroupMember& m, uint64_t lines, double now) {
  if (lines == 0 || m.group->limit < 0) return;
  if (m.period_start < 0) m.period_start = now;
  m.lines += lines;
}

}  // namespace shipper::in_tail
