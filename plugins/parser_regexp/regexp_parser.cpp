// parser_regexp: a Ruby regexp with named groups (spec §3.5). The record holds every named group
// that took part in the match, in pattern order; the time group is consumed.
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_regexp/regexp_params.hpp"

namespace shipper::parser_regexp {

class RegexpParser : public Parser {
 public:
  using Params = parser_regexp::Params;
  RegexpParser(Params p, PluginContext&)
      : core_(p),
        re_(p.expression.source, {p.expression.ignore_case || p.ignorecase,
                                  p.expression.multiline || p.multiline, false}) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    return parse_with_regex(re_, core_, text, time, w, groups_);
  }

 private:
  ParserCore core_;
  RubyRegex re_;
  std::vector<re2::StringPiece> groups_;
};

}  // namespace shipper::parser_regexp

namespace shipper {
void register_plugin_parser_regexp(Registry& registry) {
  registry.add<parser_regexp::RegexpParser>(config::PluginKind::kParser, "regexp",
                                            "named groups of a regular expression");
}
}  // namespace shipper
