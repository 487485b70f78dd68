// filter_stdout: prints every event to the log, as out_stdout does, and passes it on unchanged.
#include "config/schema.hpp"
#include "engine/registry.hpp"
#include "plugins/out_stdout/stdout_format.hpp"

namespace shipper::filter_stdout {

struct Params {
  config::PluginSection format;
  std::optional<std::string> output_type;
  static void describe(config::Schema<Params>& s) {
    s.plugin_section("format", &Params::format, config::PluginKind::kFormatter)
        .default_type("stdout")
        .help("how records are written (default: time, tag and JSON)");
    s.param("output_type", &Params::output_type)
        .deprecated("use <format> output_type instead")
        .help("v0.12 spelling of <format> output_type");
  }
};

class StdoutFilter : public Filter {
 public:
  using Params = filter_stdout::Params;
  StdoutFilter(Params p, PluginContext& ctx) {
    formatter_ = out_stdout::create_record_formatter(ctx, p.format);
  }
  Outcome filter(const EventBatch& in, EventBatch&) override {
    std::string text;
    text.reserve(in.entries.size() * 2 + 64);
    EntryReader reader(in.entries);
    EntryView e;
    while (reader.next(e)) formatter_->format(in.tag, e.time, e.record, text);
    LogSink::instance().write_raw(text);
    return Outcome::kUnchanged;
  }

 private:
  SubPlugin<Formatter> formatter_;
};

}  // namespace shipper::filter_stdout

namespace shipper {
void register_plugin_filter_stdout(Registry& registry) {
  registry.add<filter_stdout::StdoutFilter>(config::PluginKind::kFilter, "stdout",
                                            "prints events to the log and passes them on");
}
}  // namespace shipper
