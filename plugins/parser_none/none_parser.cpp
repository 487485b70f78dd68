// parser_none: the whole line under message_key (spec §3.6).
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_none/none_params.hpp"

namespace shipper::parser_none {

class NoneParser : public Parser {
 public:
  using Params = parser_none::Params;
  NoneParser(Params p, PluginContext&) : core_(p), key_(std::move(p.message_key)) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    MapBuilder map(w);
    map.key(key_);
    core_.write_value(w, key_, ScalarValue::string(text));
    map.finish();
    return core_.finish(false);
  }

 private:
  ParserCore core_;
  std::string key_;
};

}  // namespace shipper::parser_none

namespace shipper {
void register_plugin_parser_none(Registry& registry) {
  registry.add<parser_none::NoneParser>(config::PluginKind::kParser, "none",
                                        "the whole line as one field");
}
}  // namespace shipper
