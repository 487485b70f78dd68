// formatter msgpack: the record's msgpack bytes (Fluentd's msgpack formatter).
#include "config/schema.hpp"
#include "engine/registry.hpp"

namespace shipper::formatter_msgpack {

struct Params {
  static void describe(config::Schema<Params>&) {}
};

class MsgpackFormatter : public Formatter {
 public:
  using Params = formatter_msgpack::Params;
  MsgpackFormatter(Params, PluginContext&) {}
  void format(std::string_view, EventTime, std::string_view record, std::string& out) override {
    out.append(record.data(), record.size());
  }
};

}  // namespace shipper::formatter_msgpack

namespace shipper {
void register_plugin_formatter_msgpack(Registry& registry) {
  registry.add<formatter_msgpack::MsgpackFormatter>(config::PluginKind::kFormatter, "msgpack",
                                                    "the record as msgpack bytes");
}
}  // namespace shipper
