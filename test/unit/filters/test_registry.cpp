// This test binary links only the plugins it exercises, so it provides the registry itself: the
// three filters and the parsers the parser filter tests use under <parse>.
#include "engine/registry.hpp"

namespace shipper {
void register_plugin_filter_record_transformer(Registry&);
void register_plugin_filter_grep(Registry&);
void register_plugin_filter_parser(Registry&);
void register_plugin_parser_json(Registry&);
void register_plugin_parser_none(Registry&);
void register_plugin_parser_regexp(Registry&);

Registry& Registry::builtin() {
  static Registry* registry = [] {
    auto* r = new Registry();
    register_plugin_filter_record_transformer(*r);
    register_plugin_filter_grep(*r);
    register_plugin_filter_parser(*r);
    register_plugin_parser_json(*r);
    register_plugin_parser_none(*r);
    register_plugin_parser_regexp(*r);
    return r;
  }();
  return *registry;
}
}  // namespace shipper
