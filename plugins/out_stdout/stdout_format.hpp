#pragma once
// The `stdout` formatter that out_stdout and filter_stdout use by default:
//   2020-06-01 10:00:00.500000000 +0000 tag: {"json":"record"}
// (event time in local time with nanoseconds, the tag, then the record through the
// `output_type` formatter, json by default).
#include <memory>
#include <string>

#include "engine/plugin.hpp"
#include "engine/sub_plugin.hpp"

namespace shipper::out_stdout {

struct FormatterParams {
  std::string output_type = "json";
  static void describe(config::Schema<FormatterParams>& s);
};

class StdoutFormatter : public Formatter {
 public:
  using Params = FormatterParams;
  StdoutFormatter(Params p, PluginContext& ctx);
  void format(std::string_view tag, EventTime time, std::string_view record,
              std::string& out) override;

 private:
  SubPlugin<Formatter> sub_;
};

// Builds the formatter for an owner's <format> section (stdout when absent).
std::unique_ptr<PluginContext> make_format_context(PluginContext& owner,
                                                   const config::PluginSection& format);
SubPlugin<Formatter> create_record_formatter(PluginContext& owner,
                                             const config::PluginSection& format);

// Appends `time` as "%Y-%m-%d %H:%M:%S.%N %z" in local time.
void append_stdout_time(std::string& out, EventTime time);

}  // namespace shipper::out_stdout
