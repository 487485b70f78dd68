// formatter json: the record as one line of compact JSON (Fluentd's json formatter).
#include "config/schema.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"

namespace shipper::formatter_json {

struct Params {
  std::string json_parser = "oj";
  bool add_newline = true;
  static void describe(config::Schema<Params>& s) {
    s.param("json_parser", &Params::json_parser)
        .one_of({"oj", "yajl", "json"})
        .help("Fluentd's JSON library; accepted, the output is the same");
    s.param("add_newline", &Params::add_newline).help("end each record with a newline");
  }
};

class JsonFormatter : public Formatter {
 public:
  using Params = formatter_json::Params;
  JsonFormatter(Params p, PluginContext&) : p_(std::move(p)) {}
  void format(std::string_view, EventTime, std::string_view record, std::string& out) override {
    size_t mark = out.size();
    if (!append_msgpack_as_json(record, out)) {
      out.resize(mark);
      out += "{}";
    }
    if (p_.add_newline) out += '\n';
  }

 private:
  Params p_;
};

}  // namespace shipper::formatter_json

namespace shipper {
void register_plugin_formatter_json(Registry& registry) {
  registry.add<formatter_json::JsonFormatter>(config::PluginKind::kFormatter, "json",
                                              "the record as compact JSON");
}
}  // namespace shipper
