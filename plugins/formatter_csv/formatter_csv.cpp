// formatter csv: the values of the listed fields as one CSV row (Fluentd's csv formatter, which
// uses Ruby's CSV: fields quoted when force_quotes, quotes doubled).
#include "config/schema.hpp"
#include "core/msgpack_map.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"

namespace shipper::formatter_csv {

struct Params {
  std::string delimiter = ",";
  bool force_quotes = true;
  config::ArrayValue fields;
  bool add_newline = true;
  static void describe(config::Schema<Params>& s) {
    s.param("delimiter", &Params::delimiter).help("column separator; \\t or TAB for a tab");
    s.param("force_quotes", &Params::force_quotes).help("quote every field");
    s.param("fields", &Params::fields).required().help("the record keys to write, in order");
    s.param("add_newline", &Params::add_newline).help("end each row with a newline");
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      bool any = false;
      for (const auto& f : p.fields) any = any || !f.empty();
      if (!any && e.find("fields") && ctx.diags)
        ctx.diags->error(e.find("fields")->value_loc, "invalid-value",
                         "empty value is specified in fields parameter");
    });
  }
};

class CsvFormatter : public Formatter {
 public:
  using Params = formatter_csv::Params;
  CsvFormatter(Params p, PluginContext&) : p_(std::move(p)) {
    if (p_.delimiter == "\\t" || p_.delimiter == "TAB") p_.delimiter = "\t";
    std::erase_if(p_.fields, [](const std::string& f) { return f.empty(); });
  }
  void format(std::string_view, EventTime, std::string_view record, std::string& out) override {
    std::string value;
    for (size_t i = 0; i < p_.fields.size(); ++i) {
      if (i) out += p_.delimiter;
      value.clear();
      std::string_view v = find_map_value(record, p_.fields[i]);
      bool nil = v.empty() || static_cast<unsigned char>(v[0]) == 0xc0;
      if (!nil) append_msgpack_as_text(v, value);
      bool quote = p_.force_quotes || value.find_first_of("\"\r\n") != std::string::npos ||
                   (!p_.delimiter.empty() && value.find(p_.delimiter) != std::string::npos);
      if (nil && !p_.force_quotes) continue;
      if (!quote) {
        out += value;
        continue;
      }
      out += '"';
      for (char c : value) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    if (p_.add_newline) out += '\n';
  }

 private:
  Params p_;
};

}  // namespace shipper::formatter_csv

namespace shipper {
void register_plugin_formatter_csv(Registry& registry) {
  registry.add<formatter_csv::CsvFormatter>(config::PluginKind::kFormatter, "csv",
                                            "chosen fields as one CSV row");
}
}  // namespace shipper
