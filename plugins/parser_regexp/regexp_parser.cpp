// parser_regexp: a Ruby regexp with named groups (spec §3.5). The record holds every named group
// that took part in the match, in pattern order; the time group is consumed.
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_regexp/regexp_params.hpp"

namespace shipper::parser_regexp {

class RegexpParser : public RegexpRecordParser {
 public:
  using Params = parser_regexp::Params;
  // The deprecated ignorecase / multiline parameters add to the pattern's own /i and /m flags.
  RegexpParser(Params p, PluginContext&)
      : RegexpRecordParser(p, p.expression.source,
                           {p.expression.ignore_case || p.ignorecase,
                            p.expression.multiline || p.multiline, false}) {}
};

}  // namespace shipper::parser_regexp

namespace shipper {
void register_plugin_parser_regexp(Registry& registry) {
  registry.add<parser_regexp::RegexpParser>(config::PluginKind::kParser, "regexp",
                                            "named groups of a regular expression");
}
}  // namespace shipper
