// parser_tsv: values split on TAB into at most len(keys) pieces (spec §3.10).
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_tsv/tsv_params.hpp"

namespace shipper::parser_tsv {

class TsvParser : public Parser {
 public:
  using Params = parser_tsv::Params;
  TsvParser(Params p, PluginContext&)
      : core_(p), keys_(std::move(p.keys)), delimiter_(p.delimiter) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    fields_.clear();
    size_t start = 0;
    bool done = false;
    for (size_t k = 0; k < keys_.size(); ++k) {
      if (done) {
        fields_.push_back({keys_[k], std::nullopt});
        continue;
      }
      size_t at = (k + 1 == keys_.size() || delimiter_.empty()) ? std::string_view::npos
                                                                : text.find(delimiter_, start);
      if (at == std::string_view::npos) {
        fields_.push_back({keys_[k], text.substr(start)});
        done = true;
      } else {
        fields_.push_back({keys_[k], text.substr(start, at - start)});
        start = at + delimiter_.size();
      }
    }
    return write_text_record(core_, fields_, time, w);
  }

 private:
  ParserCore core_;
  std::vector<std::string> keys_;
  std::string delimiter_;
  std::vector<TextField> fields_;
};

}  // namespace shipper::parser_tsv

namespace shipper {
void register_plugin_parser_tsv(Registry& registry) {
  registry.add<parser_tsv::TsvParser>(config::PluginKind::kParser, "tsv", "tab-separated values");
}
}  // namespace shipper
