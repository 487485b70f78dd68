// parser_csv: one CSV row per line with RFC 4180 quoting, as Ruby's CSV.parse_line reads it
// (spec §3.10): "" escapes a quote, an unquoted empty field is null, a quoted one "".
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_csv/csv_params.hpp"

namespace shipper::parser_csv {

class CsvParser : public Parser {
 public:
  using Params = parser_csv::Params;
  CsvParser(Params p, PluginContext&)
      : core_(p), keys_(std::move(p.keys)), sep_(p.delimiter.empty() ? ',' : p.delimiter[0]) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    if (text.empty()) return not_matched();
    values_.clear();
    storage_.clear();
    storage_.reserve(text.size());  // unquoted values are copied here; no reallocation
    size_t i = 0;
    while (true) {
      if (i < text.size() && text[i] == '"') {
        size_t begin = storage_.size();
        ++i;
        while (true) {
          if (i >= text.size()) return parse_error("Unclosed quoted field in line 1.");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              storage_ += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          storage_ += text[i++];
        }
        if (i < text.size() && text[i] != sep_ && text[i] != '\r' && text[i] != '\n')
          return parse_error("Any value after quoted field isn't allowed in line 1.");
        values_.push_back(Span{begin, storage_.size() - begin, true});
      } else {
        size_t start = i;
        while (i < text.size() && text[i] != sep_) {
          if (text[i] == '"') return parse_error("Illegal quoting in line 1.");
          ++i;
        }
        std::string_view v = text.substr(start, i - start);
        if (!v.empty() && v.back() == '\r') v.remove_suffix(1);
        size_t begin = storage_.size();
        storage_.append(v);
        values_.push_back(Span{begin, v.size(), !v.empty()});
      }
      if (i >= text.size() || text[i] != sep_) break;
      ++i;
      if (i >= text.size()) {  // trailing separator: one more empty (null) field
        values_.push_back(Span{storage_.size(), 0, false});
        break;
      }
    }
    fields_.clear();
    for (size_t k = 0; k < keys_.size(); ++k) {
      if (k < values_.size() && values_[k].present)
        fields_.push_back(
            {keys_[k], std::string_view(storage_).substr(values_[k].begin, values_[k].size)});
      else
        fields_.push_back({keys_[k], std::nullopt});
    }
    return write_text_record(core_, fields_, time, w);
  }

 private:
  struct Span {
    size_t begin;
    size_t size;
    bool present;  // false: null (unquoted empty)
  };
  ParserCore core_;
  std::vector<std::string> keys_;
  char sep_;
  std::string storage_;
  std::vector<Span> values_;
  std::vector<TextField> fields_;
};

}  // namespace shipper::parser_csv

namespace shipper {
void register_plugin_parser_csv(Registry& registry) {
  registry.add<parser_csv::CsvParser>(config::PluginKind::kParser, "csv", "comma-separated values");
}
}  // namespace shipper
