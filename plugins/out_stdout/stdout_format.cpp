#include "plugins/out_stdout/stdout_format.hpp"

#include "engine/time_format.hpp"

namespace shipper::out_stdout {

void FormatterParams::describe(config::Schema<FormatterParams>& s) {
  s.param("output_type", &FormatterParams::output_type)
      .help("the formatter that writes the record after the time and tag");
}

StdoutFormatter::StdoutFormatter(Params p, PluginContext& ctx) {
  // The record part is another formatter configured from the same section, as Fluentd does.
  sub_ = create_sub_plugin<Formatter>(ctx, *ctx.element, config::PluginKind::kFormatter,
                                      p.output_type);
}

void append_stdout_time(std::string& out, EventTime time) {
  static const TimeZoneSpec local{};
  append_strftime(out, time, "%Y-%m-%d %H:%M:%S.%N %z", local);
}

void StdoutFormatter::format(std::string_view tag, EventTime time, std::string_view record,
                             std::string& out) {
  append_stdout_time(out, time);
  out += ' ';
  out.append(tag.data(), tag.size());
  out += ": ";
  size_t mark = out.size();
  sub_->format(tag, time, record, out);
  // Fluentd chomps the record text and adds exactly one newline.
  while (out.size() > mark && out.back() == '\n') out.pop_back();
  out += '\n';
}

SubPlugin<Formatter> create_record_formatter(PluginContext& owner,
                                             const config::PluginSection& format) {
  if (format.present())
    return create_sub_plugin<Formatter>(owner, *format.element, config::PluginKind::kFormatter,
                                        format.type.empty() ? "stdout" : format.type);
  // No <format>: an empty section of type stdout, owned by a static so the context's element
  // pointer stays valid.
  static const config::Element empty_format = [] {
    config::Element e;
    e.name = "format";
    return e;
  }();
  return create_sub_plugin<Formatter>(owner, empty_format, config::PluginKind::kFormatter,
                                      "stdout");
}

}  // namespace shipper::out_stdout
