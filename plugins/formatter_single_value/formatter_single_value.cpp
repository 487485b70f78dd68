// formatter single_value: only the value of one key (Fluentd's single_value formatter).
#include "config/schema.hpp"
#include "core/msgpack_map.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"

namespace shipper::formatter_single_value {

struct Params {
  std::string message_key = "message";
  bool add_newline = true;
  static void describe(config::Schema<Params>& s) {
    s.param("message_key", &Params::message_key).help("the key whose value is written");
    s.param("add_newline", &Params::add_newline).help("end each record with a newline");
  }
};

class SingleValueFormatter : public Formatter {
 public:
  using Params = formatter_single_value::Params;
  SingleValueFormatter(Params p, PluginContext&) : p_(std::move(p)) {}
  void format(std::string_view, EventTime, std::string_view record, std::string& out) override {
    std::string_view value = find_map_value(record, p_.message_key);
    if (!value.empty()) append_msgpack_as_text(value, out);
    if (p_.add_newline) out += '\n';
  }

 private:
  Params p_;
};

}  // namespace shipper::formatter_single_value

namespace shipper {
void register_plugin_formatter_single_value(Registry& registry) {
  registry.add<formatter_single_value::SingleValueFormatter>(
      config::PluginKind::kFormatter, "single_value", "the value of one key, as text");
}
}  // namespace shipper
