// parser_syslog: RFC 3164 and RFC 5424 lines (spec §3.8), with Fluentd's regexps (RE2 forms).
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_syslog/syslog_params.hpp"

namespace shipper::parser_syslog {

namespace {
constexpr const char* kRfc3164 =
    "^(?<time>[^ ]*\\s*[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\\[]*)(?:\\[(?<pid>[0-9]+)\\])?"
    "(?:[^\\:]*\\:)? *(?<message>.*)$";
constexpr const char* kRfc3164Pri =
    "^\\<(?<pri>[0-9]+)\\>(?<time>[^ ]*\\s*[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\\[]*)"
    "(?:\\[(?<pid>[0-9]+)\\])?(?:[^\\:]*\\:)? *(?<message>.*)$";
constexpr const char* kRfc5424 =
    "\\A\\<(?<pri>[0-9]{1,3})\\>[1-9]\\d{0,2} (?<time>[^ ]+) (?<host>[!-~]{1,255}) "
    "(?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) "
    "(?<extradata>(?:\\-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+))(?: (?<message>.+))?\\z";

ParserCommonParams with_format(const Params& p, std::optional<std::string> fmt) {
  ParserCommonParams c = p;
  c.time_format = std::move(fmt);
  return c;
}
}  // namespace

class SyslogParser : public Parser {
 public:
  using Params = parser_syslog::Params;
  SyslogParser(Params p, PluginContext&)
      : core_(p),
        core5424_(with_format(p, p.rfc5424_time_format)),
        core5424_fallback_(with_format(p, std::string("%Y-%m-%dT%H:%M:%S%z"))),
        format_(p.message_format),
        with_priority_(p.with_priority),
        re3164_(p.with_priority ? kRfc3164Pri : kRfc3164, {false, false, false}),
        re5424_(kRfc5424, {false, true, false}) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    bool use5424 = format_ == "rfc5424";
    if (format_ == "auto") {
      // <digits> followed by a non-zero version digit → RFC 5424
      size_t i = 0;
      if (!text.empty() && text[0] == '<') {
        i = 1;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        use5424 = i > 1 && i + 1 < text.size() && text[i] == '>' && text[i + 1] >= '1' &&
                  text[i + 1] <= '9';
      }
    }
    if (!use5424) return parse_with(re3164_, core_, text, time, w);
    if (!re5424_.match(text, groups_)) return not_matched();
    return write(re5424_, text, time, w);
  }

 private:
  ParseResult parse_with(const RubyRegex& re, const ParserCore& core, std::string_view text,
                         EventTime& time, MsgpackWriter& w) {
    if (!re.match(text, groups_)) return not_matched();
    return write_fields(re, core, time, w);
  }

  ParseResult write(const RubyRegex& re, std::string_view, EventTime& time, MsgpackWriter& w) {
    // RFC 5424: "-" as the time means none; the fractionless form is the fallback format.
    if (named_group(re, groups_, "time").value_or("") == "-")
      return write_fields(re, core_, time, w, true);
    ParseResult r = write_fields(re, core5424_, time, w);
    if (r.code == ParseResult::Code::kInvalidTime)
      r = write_fields(re, core5424_fallback_, time, w);
    return r;
  }

  // The plain regexp record, except: pri is an integer and only kept with with_priority, the
  // message loses its trailing newline, and the "time" group is the time even without time_key.
  ParseResult write_fields(const RubyRegex& re, const ParserCore& core, EventTime& time,
                           MsgpackWriter& w, bool skip_time = false) {
    auto role = [&](const std::string& name, std::string_view& v, MapBuilder& map) {
      if (name == "pri") {
        if (!with_priority_) return GroupRole::kSkip;
        map.key(name);
        w.integer(ruby_to_i(v));
        return GroupRole::kWritten;
      }
      if (name == "message" && !v.empty() && v.back() == '\n') v.remove_suffix(1);
      if (core.is_time_key(name) || (name == "time" && !core.time_key()))
        return skip_time ? GroupRole::kSkip : GroupRole::kTime;
      return GroupRole::kField;
    };
    return write_regex_record(re, core, groups_, time, w, role);
  }

  ParserCore core_;
  ParserCore core5424_;
  ParserCore core5424_fallback_;
  std::string format_;
  bool with_priority_;
  RubyRegex re3164_;
  RubyRegex re5424_;
  std::vector<re2::StringPiece> groups_;
};

}  // namespace shipper::parser_syslog

namespace shipper {
void register_plugin_parser_syslog(Registry& registry) {
  registry.add<parser_syslog::SyslogParser>(config::PluginKind::kParser, "syslog",
                                            "syslog lines (RFC 3164, RFC 5424)");
}
}  // namespace shipper
