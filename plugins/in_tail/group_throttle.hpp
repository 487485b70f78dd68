#pragma once
// <group> throttling (spec §1.11, Fluentd v1.15+). The group `pattern` is matched against each
// watched path; the values of its named captures, joined with "_", are searched (unanchored) by
// each rule's key, which is the rule's `match` regexps in the pattern's capture order (".*" for
// captures the rule does not name) joined the same way. Rules with more `match` keys are tried
// first; a path no rule matches, or that the pattern does not match, is in the default group
// (no limit, unless a rule's key is the all-".*" default key). Rules with the same key share one
// group.
//
// Within a group, each file may emit limit / number_of_files lines per rate_period (at least one
// line when the limit is positive). A file's period starts with the first lines it emits and
// ends rate_period later; lines over the quota stay in the file until then (nothing is dropped,
// the position only moves past emitted lines). Fluentd checks the limit after each 64 KiB read
// and may overshoot it by the lines of that read; here the quota is exact.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ruby_regex.hpp"
#include "plugins/in_tail/tail_params.hpp"

namespace shipper::in_tail {

class GroupThrottle;

// One group: a limit shared by the files whose paths fall into it.
struct ThrottleGroup {
  std::string key;  // the joined rule regexps (Fluentd's group watcher key)
  int64_t limit = -1;
  double rate_period = 5;
  RubyRegex key_regex;
  size_t files = 0;  // paths currently in the group
};

// A watched path's place in its group and its counter for the current period.
struct GroupMember {
  ThrottleGroup* group = nullptr;
  std::string path;
  int watchers = 0;          // watchers of this path (a rotated file shares its path's counter)
  uint64_t lines = 0;        // lines emitted in the current period
  double period_start = -1;  // monotonic seconds; < 0: no period running
};

class GroupThrottle {
 public:
  // Compiles the pattern and rules (already validated by the schema).
  explicit GroupThrottle(const GroupParams& params);

  // The member for `path` (created on first use; counts one more watcher of it). *unmatched is
  // set when the pattern does not match the path (Fluentd logs it and uses the default group).
  std::shared_ptr<GroupMember> join(const std::string& path, bool* unmatched);
  // One watcher of the path is gone; the path leaves its group with its last watcher.
  void leave(const std::shared_ptr<GroupMember>& member);

  // Lines `m` may emit now; 0 means wait until *resume_at (monotonic seconds).
  static uint64_t allowance(GroupMember& m, double now, double* resume_at);
  // Records lines emitted by `m`.
  static void consumed(GroupMember& m, uint64_t lines, double now);
  // Whether the path's group has a limit (then a rotated file is read to its end).
  static bool limited(const GroupMember& m) { return m.group && m.group->limit >= 0; }

  // The group a path falls into (tests); nullptr never (the default group always exists).
  const ThrottleGroup* group_of(const std::string& path, bool* unmatched = nullptr) const;

 private:
  ThrottleGroup* find(const std::string& path, bool* unmatched) const;

  RubyRegex pattern_;
  std::vector<std::unique_ptr<ThrottleGroup>> groups_;  // rule order, most specific first
  ThrottleGroup* default_group_ = nullptr;
  std::map<std::string, std::shared_ptr<GroupMember>> members_;
};

// Checks a <group> section (the linter runs it too): `limit` ≥ -1, regexps compile. Returns the
// first problem, or "" when there is none.
std::string check_group(const GroupParams& params);

}  // namespace shipper::in_tail
