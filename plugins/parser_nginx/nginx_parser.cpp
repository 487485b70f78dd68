// parser_nginx: nginx's default access log through Fluentd's regexp; every value a string.
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_nginx/nginx_params.hpp"

namespace shipper::parser_nginx {

class NginxParser : public Parser {
 public:
  using Params = parser_nginx::Params;
  NginxParser(Params p, PluginContext&)
      : core_(p),
        re_(p.expression.source, {p.expression.ignore_case, p.expression.multiline, false}) {}
  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    return parse_with_regex(re_, core_, text, time, w, groups_);
  }

 private:
  ParserCore core_;
  RubyRegex re_;
  std::vector<re2::StringPiece> groups_;
};

}  // namespace shipper::parser_nginx

namespace shipper {
void register_plugin_parser_nginx(Registry& registry) {
  registry.add<parser_nginx::NginxParser>(config::PluginKind::kParser, "nginx",
                                          "nginx access log (combined, optional X-Forwarded-For)");
}
}  // namespace shipper
