// out_stdout: writes every event to the log (stdout, or the -o file) in Fluentd's format,
//   <time %Y-%m-%d %H:%M:%S.%N %z> <tag>: <record JSON>
// or through the formatter of its <format> section.
#include "config/schema.hpp"
#include "engine/registry.hpp"
#include "plugins/out_stdout/stdout_format.hpp"

namespace shipper::out_stdout {

struct Params {
  config::PluginSection format;
  config::PluginSection buffer;
  std::optional<std::string> output_type;
  static void describe(config::Schema<Params>& s) {
    s.plugin_section("format", &Params::format, config::PluginKind::kFormatter)
        .default_type("stdout")
        .help("how records are written (default: time, tag and JSON)");
    s.plugin_section("buffer", &Params::buffer, config::PluginKind::kBuffer)
        .help("accepted; stdout writes each event at once");
    s.param("output_type", &Params::output_type)
        .deprecated("use <format> output_type instead")
        .help("v0.12 spelling of <format> output_type");
  }
};

class StdoutOutput : public Output {
 public:
  using Params = out_stdout::Params;
  StdoutOutput(Params p, PluginContext& ctx) {
    formatter_ = create_record_formatter(ctx, p.format);
  }

  Status emit(const EventBatch& batch) override {
    std::string text;
    text.reserve(batch.entries.size() * 2 + 64);
    EntryReader reader(batch.entries);
    EntryView e;
    while (reader.next(e)) formatter_->format(batch.tag, e.time, e.record, text);
    LogSink::instance().write_raw(text);
    return Status::ok();
  }

 private:
  SubPlugin<Formatter> formatter_;
};

}  // namespace shipper::out_stdout

namespace shipper {
void register_plugin_out_stdout(Registry& registry) {
  registry.add<out_stdout::StdoutOutput>(config::PluginKind::kOutput, "stdout",
                                         "writes events to the log (stdout by default)");
  registry.add<out_stdout::StdoutFormatter>(config::PluginKind::kFormatter, "stdout",
                                            "time, tag, then the record via output_type");
}
}  // namespace shipper
