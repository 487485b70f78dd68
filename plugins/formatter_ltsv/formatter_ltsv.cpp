// formatter ltsv: label:value pairs separated by tabs (Fluentd's ltsv formatter).
#include "config/schema.hpp"
#include "core/msgpack_map.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"

namespace shipper::formatter_ltsv {

struct Params {
  std::string delimiter = "\t";
  std::string label_delimiter = ":";
  bool add_newline = true;
  static void describe(config::Schema<Params>& s) {
    s.param("delimiter", &Params::delimiter).help("between pairs");
    s.param("label_delimiter", &Params::label_delimiter).help("between a label and its value");
    s.param("add_newline", &Params::add_newline).help("end each record with a newline");
  }
};

class LtsvFormatter : public Formatter {
 public:
  using Params = formatter_ltsv::Params;
  LtsvFormatter(Params p, PluginContext&) : p_(std::move(p)) {}
  void format(std::string_view, EventTime, std::string_view record, std::string& out) override {
    bool first = true;
    for_each_map_entry(record, [&](std::string_view key, std::string_view value) {
      if (!first) out += p_.delimiter;
      first = false;
      append_msgpack_as_text(key, out);
      out += p_.label_delimiter;
      append_msgpack_as_text(value, out);
      return true;
    });
    if (p_.add_newline) out += '\n';
  }

 private:
  Params p_;
};

}  // namespace shipper::formatter_ltsv

namespace shipper {
void register_plugin_formatter_ltsv(Registry& registry) {
  registry.add<formatter_ltsv::LtsvFormatter>(config::PluginKind::kFormatter, "ltsv",
                                              "Labeled Tab-Separated Values");
}
}  // namespace shipper
