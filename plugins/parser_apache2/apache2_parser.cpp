// parser_apache2: Apache's combined log with typed fields (spec §3.9): "-" becomes null for
// host/user/size/referer/agent, code and size are integers.
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_apache2/apache2_params.hpp"

namespace shipper::parser_apache2 {

namespace {
constexpr const char* kApache2 =
    "^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] \"(?<method>\\S+)(?: +(?<path>(?:"
    "[^\\\"]|\\\\.)*?)(?: +\\S*)?)?\" (?<code>[^ ]*) (?<size>[^ ]*)(?: \"(?<referer>(?:[^\\\"]|"
    "\\\\.)*)\" \"(?<agent>(?:[^\\\"]|\\\\.)*)\")?$";
}

class Apache2Parser : public RegexpRecordParser {
 public:
  using Params = parser_apache2::Params;
  Apache2Parser(Params p, PluginContext&) : RegexpRecordParser(p, kApache2, {}) {}

  // Fluentd's apache2 parser builds the record itself rather than from the groups as they are:
  // fixed key order, "-" as nil, code and size as integers.
  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    if (!re_.match(text, groups_)) return not_matched();
    std::string err;
    auto t = group("time");
    if (!core_.parse_time(ScalarValue::string(t.value_or("")), time, &err)) return parse_error(err);
    MapBuilder map(w);
    auto dash_nil = [&](const char* key, std::optional<std::string_view> v) {
      map.key(key);
      if (!v || *v == "-")
        w.nil();
      else
        core_.write_value(w, key, ScalarValue::string(*v));
    };
    dash_nil("host", group("host"));
    dash_nil("user", group("user"));
    map.key("method");
    core_.write_value(w, "method", ScalarValue::string(group("method").value_or("")));
    map.key("path");
    if (auto p = group("path"))
      core_.write_value(w, "path", ScalarValue::string(*p));
    else
      w.nil();
    auto code = group("code");
    int64_t c = code ? ruby_to_i(*code) : 0;
    map.key("code");
    if (c == 0)
      w.nil();
    else
      w.integer(c);
    auto size = group("size");
    map.key("size");
    if (!size || *size == "-")
      w.nil();
    else
      w.integer(ruby_to_i(*size));
    dash_nil("referer", group("referer"));
    dash_nil("agent", group("agent"));
    if (core_.keep_time_key()) {
      map.key("time");
      w.str(t.value_or(""));
    }
    map.finish();
    return parse_ok(true);
  }
};

}  // namespace shipper::parser_apache2

namespace shipper {
void register_plugin_parser_apache2(Registry& registry) {
  registry.add<parser_apache2::Apache2Parser>(config::PluginKind::kParser, "apache2",
                                              "Apache combined log with typed fields");
}
}  // namespace shipper
