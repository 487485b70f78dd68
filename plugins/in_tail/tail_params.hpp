#pragma once
// in_tail's parameters: Fluentd's names, types and defaults (spec §1.1).
#include <optional>
#include <string>
#include <vector>

#include "config/schema.hpp"

namespace shipper::in_tail {

using config::ArrayValue;
using config::ByteSize;
using config::Duration;
using config::HashValue;
using config::PluginSection;
using config::RegexpValue;

// <rule> inside <group>: which files (by the group pattern's captures) get how many lines.
struct RuleParams {
  HashValue match{{"namespace", "/.*/"}, {"podname", "/.*/"}};
  int64_t limit = -1;
  static void describe(config::Schema<RuleParams>& s);
};

// <group>: per-group line throttling (Fluentd v1.15+).
struct GroupParams {
  RegexpValue pattern{kDefaultGroupPattern, false, false};
  Duration rate_period{5};
  std::vector<RuleParams> rule;
  static void describe(config::Schema<GroupParams>& s);
  static constexpr const char* kDefaultGroupPattern =
      "^\\/var\\/log\\/containers\\/(?<podname>[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\/[a-z0-9]([-a-z0-9]*"
      "[a-z0-9])?)*)_(?<namespace>[^_]+)_(?<container>.+)-(?<docker_id>[a-z0-9]{64})\\.log$";
};

struct Params {
  std::string path;
  std::string path_delimiter = ",";
  std::string glob_policy = "backward_compatible";
  ArrayValue exclude_path;
  std::string tag;
  std::optional<std::string> pos_file;
  std::optional<Duration> pos_file_compaction_interval;
  bool read_from_head = false;
  Duration refresh_interval{60};
  Duration rotate_wait{5};
  bool follow_inodes = false;
  std::optional<Duration> limit_recently_modified;
  bool skip_refresh_on_startup = false;
  std::optional<std::string> path_key;
  std::optional<Duration> multiline_flush_interval;
  int64_t read_lines_limit = 1000;
  ByteSize read_bytes_limit_per_second{static_cast<uint64_t>(-1)};
  std::optional<ByteSize> max_line_size;
  bool enable_watch_timer = true;
  bool enable_stat_watcher = true;
  bool open_on_every_update = false;
  std::optional<std::string> encoding;
  std::optional<std::string> from_encoding;
  bool emit_unmatched_lines = false;
  bool ignore_repeated_permission_error = false;
  std::optional<std::string> path_timezone;
  PluginSection parse;
  std::optional<GroupParams> group;  // Fluentd: one <group> at most

  // read_bytes_limit_per_second is a size that may be -1 (off).
  bool bytes_limit_enabled() const {
    return read_bytes_limit_per_second.bytes != static_cast<uint64_t>(-1) &&
           static_cast<int64_t>(read_bytes_limit_per_second.bytes) > 0;
  }
  static void describe(config::Schema<Params>& s);
};

}  // namespace shipper::in_tail
