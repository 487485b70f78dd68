// parser_nginx: nginx's default access log through Fluentd's regexp; every value a string.
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_nginx/nginx_params.hpp"

namespace shipper::parser_nginx {

class NginxParser : public RegexpRecordParser {
 public:
  using Params = parser_nginx::Params;
  NginxParser(Params p, PluginContext&)
      : RegexpRecordParser(p, p.expression.source,
                           {p.expression.ignore_case, p.expression.multiline, false}) {}
};

}  // namespace shipper::parser_nginx

namespace shipper {
void register_plugin_parser_nginx(Registry& registry) {
  registry.add<parser_nginx::NginxParser>(config::PluginKind::kParser, "nginx",
                                          "nginx access log (combined, optional X-Forwarded-For)");
}
}  // namespace shipper
