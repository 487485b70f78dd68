#include "plugins/in_tail/tail_params.hpp"

#include "core/time_zone.hpp"
#include "plugins/in_tail/group_throttle.hpp"
#include "plugins/in_tail/line_encoding.hpp"

namespace shipper::in_tail {

using config::BindContext;
using config::Element;
using config::ParamType;

void RuleParams::describe(config::Schema<RuleParams>& s) {
  s.param("match", &RuleParams::match)
      .element_type(ParamType::kRegexp)
      .help(
          "capture name → regexp; a file belongs to the rule when the regexps, joined with _ in "
          "the pattern's capture order (.* for the others), are found in its captures joined "
          "the same way");
  s.param("limit", &RuleParams::limit)
      .help("lines per rate_period for the whole group (-1: no limit)");
}

void GroupParams::describe(config::Schema<GroupParams>& s) {
  s.param("pattern", &GroupParams::pattern)
      .default_text("/" + std::string(GroupParams::kDefaultGroupPattern) + "/")
      .help("regexp applied to the path; its named captures define the group");
  s.param("rate_period", &GroupParams::rate_period).help("period of the line limits");
  s.section("rule", &GroupParams::rule)
      .required()
      .help("a limit for the files whose captures match");
}

namespace {
void fail(const Element& e, BindContext& ctx, std::string code, std::string msg,
          std::string hint = {}) {
  if (ctx.diags) ctx.diags->error(e.loc, std::move(code), std::move(msg), std::move(hint));
}
}  // namespace

void Params::describe(config::Schema<Params>& s) {
  s.param("path", &Params::path).required().help("files to read: globs and strftime, comma list");
  s.param("path_delimiter", &Params::path_delimiter).help("separator of the path list");
  s.param("glob_policy", &Params::glob_policy)
      .one_of({"backward_compatible", "extended", "always"})
      .help("which metacharacters make a path a glob");
  s.param("exclude_path", &Params::exclude_path).help("paths or globs never to read");
  s.param("tag", &Params::tag).required().help("event tag; a * is replaced by the file path");
  s.param("pos_file", &Params::pos_file).help("where read positions are kept across restarts");
  s.param("pos_file_compaction_interval", &Params::pos_file_compaction_interval)
      .help("compact the pos file this often");
  s.param("read_from_head", &Params::read_from_head)
      .help("read files found at startup from the beginning");
  s.param("refresh_interval", &Params::refresh_interval).help("how often path is expanded again");
  s.param("rotate_wait", &Params::rotate_wait)
      .help("keep reading a rotated file at least this long");
  s.param("follow_inodes", &Params::follow_inodes)
      .help("key files by inode instead of path (needs pos_file)");
  s.param("limit_recently_modified", &Params::limit_recently_modified)
      .help("ignore glob matches not modified within this time");
  s.param("skip_refresh_on_startup", &Params::skip_refresh_on_startup)
      .help("do not scan paths at startup; the first timed scan counts as startup");
  s.param("path_key", &Params::path_key).help("add the file path to records under this key");
  s.param("multiline_flush_interval", &Params::multiline_flush_interval)
      .help("emit a pending multiline event after this idle time");
  s.param("read_lines_limit", &Params::read_lines_limit).help("lines per emitted batch");
  s.param("read_bytes_limit_per_second", &Params::read_bytes_limit_per_second)
      .default_text("-1")
      .help("per-file read throttle in bytes per second (-1: off)");
  s.param("max_line_size", &Params::max_line_size)
      .help("skip lines longer than this (counting the newline)");
  s.param("enable_watch_timer", &Params::enable_watch_timer).help("poll every file each second");
  s.param("enable_stat_watcher", &Params::enable_stat_watcher).help("watch files with inotify");
  s.param("open_on_every_update", &Params::open_on_every_update)
      .help("open and close the file on every read");
  s.param("encoding", &Params::encoding).help("encoding of the lines");
  s.param("from_encoding", &Params::from_encoding).help("transcode lines from this encoding");
  s.param("emit_unmatched_lines", &Params::emit_unmatched_lines)
      .help("emit lines the parser does not match as {\"unmatched_line\": line}");
  s.param("ignore_repeated_permission_error", &Params::ignore_repeated_permission_error)
      .help("warn once about an unreadable file");
  s.param("path_timezone", &Params::path_timezone)
      .help("timezone of the strftime expansion of path and exclude_path (+09:00, Asia/Tokyo)");
  s.plugin_section("parse", &Params::parse, config::PluginKind::kParser)
      .help("how each line is parsed");
  s.section("group", &Params::group).help("per-group line throttling");

  s.validate([](const Params& p, const Element& e, BindContext& ctx) {
    if (!p.parse.present())
      fail(e, ctx, "missing-section", "<parse> section is required.",
           "add <parse> @type none </parse> (or json, regexp, cri, …)");
    if (!p.enable_watch_timer && !p.enable_stat_watcher)
      fail(e, ctx, "invalid-value",
           "either of enable_watch_timer or enable_stat_watcher must be true");
    if (p.glob_policy == "always" && p.path_delimiter == ",")
      fail(e, ctx, "invalid-value",
           "cannot use glob_policy as always with the default path_delimiter: `,\"",
           "set path_delimiter to another character, e.g. |");
    if (p.path_delimiter == "/" || p.path_delimiter == "*" || p.path_delimiter == "%")
      fail(e, ctx, "invalid-value", "/, *, % are reserved words: " + p.path_delimiter);
    if (!p.pos_file && p.follow_inodes)
      fail(e, ctx, "invalid-value", "Can't follow inodes without pos_file configuration parameter",
           "set pos_file");
    for (const auto* enc : {&p.encoding, &p.from_encoding})
      if (*enc && !encoding_supported(**enc))
        fail(e, ctx, "invalid-value", "unknown encoding name - " + **enc);
    if (p.from_encoding && !p.encoding)
      fail(e, ctx, "invalid-value",
           "tail: 'from_encoding' parameter must be specified with 'encoding' parameter.");
    if (p.bytes_limit_enabled() && !p.enable_watch_timer)
      fail(e, ctx, "invalid-value", "Need to enable watch timer when using log throttling feature");
    if (p.path_timezone && !TimeZone::parse_fluentd(*p.path_timezone))
      fail(e, ctx, "invalid-value", "Unsupported timezone '" + *p.path_timezone + "'",
           "use +09:00, +0900 or a zone name such as Asia/Tokyo or Etc/UTC");
    if (p.group) {
      std::string problem = check_group(*p.group);
      if (!problem.empty()) fail(e, ctx, "invalid-value", problem);
    }
    if (p.read_lines_limit <= 0)
      fail(e, ctx, "invalid-value", "read_lines_limit must be greater than 0");
  });
}

}  // namespace shipper::in_tail
