// formatter out_file: `time<TAB>tag<TAB>json` (Fluentd's out_file formatter, the default of
// out_file). The time is ISO 8601 in local time unless time_format / utc / timezone say otherwise.
#include <cstdio>
#include <optional>

#include "config/schema.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"
#include "engine/time_format.hpp"

namespace shipper::formatter_out_file {

struct Params {
  bool output_time = true;
  bool output_tag = true;
  std::string delimiter = "\t";
  std::string time_type = "string";
  std::optional<std::string> time_format;
  bool localtime = true;
  bool utc = false;
  std::optional<std::string> timezone;
  bool time_as_epoch = false;
  static void describe(config::Schema<Params>& s) {
    s.param("output_time", &Params::output_time).help("write the event time first");
    s.param("output_tag", &Params::output_tag).help("write the tag");
    s.param("delimiter", &Params::delimiter)
        .help("SPACE, COMMA or (anything else) a tab")
        .default_text("\\t");
    s.param("time_type", &Params::time_type)
        .one_of({"float", "unixtime", "string"})
        .help("how the time is written");
    s.param("time_format", &Params::time_format).help("strftime format; default ISO 8601");
    s.param("localtime", &Params::localtime).help("format the time in local time");
    s.param("utc", &Params::utc).help("format the time in UTC");
    s.param("timezone", &Params::timezone).help("format the time in this zone (+09:00)");
    s.param("time_as_epoch", &Params::time_as_epoch).help("same as time_type unixtime");
    s.validate([](const Params&, const config::Element& e, config::BindContext& ctx) {
      if (e.find("localtime") && e.find("utc") && ctx.diags)
        ctx.diags->error(e.loc, "conflicting-parameters",
                         "both of utc and localtime are specified, use only one of them");
      if (auto tz = e.value_of("timezone")) {
        TimeZoneSpec zone;
        if (!parse_timezone(*tz, zone) && ctx.diags)
          ctx.diags->warning(e.find("timezone")->value_loc, "unsupported-timezone",
                             "timezone '" + *tz + "' is not an offset; local time is used",
                             "write the zone as an offset, e.g. +09:00");
      }
    });
  }
};

class OutFileFormatter : public Formatter {
 public:
  using Params = formatter_out_file::Params;
  OutFileFormatter(Params p, PluginContext& ctx) : p_(std::move(p)) {
    std::string d = p_.delimiter;
    for (auto& c : d) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (d.find("SPACE") != std::string::npos)
      delimiter_ = " ";
    else if (d.find("COMMA") != std::string::npos)
      delimiter_ = ",";
    else
      delimiter_ = "\t";
    if (p_.time_as_epoch) p_.time_type = "unixtime";
    TimeZoneSpec zone;
    const config::Element* e = ctx.element;
    bool utc = e && e->find("utc") ? p_.utc : !p_.localtime;
    if (utc) zone.kind = TimeZoneSpec::Kind::kUtc;
    if (p_.timezone) parse_timezone(*p_.timezone, zone);
    time_ = TimeFormatter(p_.time_format, zone);
  }
  void format(std::string_view tag, EventTime time, std::string_view record,
              std::string& out) override {
    if (p_.output_time) {
      if (p_.time_type == "unixtime") {
        out += std::to_string(time.sec);
      } else if (p_.time_type == "float") {
        append_ruby_float(time.to_double(), out);
      } else {
        time_.append(out, time);
      }
      out += delimiter_;
    }
    if (p_.output_tag) {
      out.append(tag.data(), tag.size());
      out += delimiter_;
    }
    size_t mark = out.size();
    if (!append_msgpack_as_json(record, out)) {
      out.resize(mark);
      out += "{}";
    }
    out += '\n';
  }

 private:
  Params p_;
  std::string delimiter_;
  TimeFormatter time_;
};

}  // namespace shipper::formatter_out_file

namespace shipper {
void register_plugin_formatter_out_file(Registry& registry) {
  registry.add<formatter_out_file::OutFileFormatter>(config::PluginKind::kFormatter, "out_file",
                                                     "time, tag and JSON record, tab-separated");
}
}  // namespace shipper
