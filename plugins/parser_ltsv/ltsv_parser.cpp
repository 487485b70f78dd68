// parser_ltsv: label:value items separated by TAB (spec §3.10).
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_ltsv/ltsv_params.hpp"

namespace shipper::parser_ltsv {

class LtsvParser : public Parser {
 public:
  using Params = parser_ltsv::Params;
  LtsvParser(Params p, PluginContext&)
      : core_(p), delimiter_(p.delimiter), label_delimiter_(p.label_delimiter) {
    if (p.delimiter_pattern)
      pattern_.emplace(p.delimiter_pattern->source,
                       RubyRegexOptions{p.delimiter_pattern->ignore_case,
                                        p.delimiter_pattern->multiline, false});
  }

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    fields_.clear();
    for (std::string_view item : split(text)) {
      size_t at = item.find(label_delimiter_);
      if (at == std::string_view::npos) continue;
      fields_.push_back({item.substr(0, at), item.substr(at + label_delimiter_.size())});
    }
    return write_text_record(core_, fields_, time, w);
  }

 private:
  std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> items;
    if (pattern_ && pattern_->ok()) {
      std::vector<re2::StringPiece> g;
      std::string_view rest = text;
      while (!rest.empty() && pattern_->match(rest, g) && g[0].size() > 0) {
        size_t at = static_cast<size_t>(g[0].data() - rest.data());
        items.push_back(rest.substr(0, at));
        rest = rest.substr(at + g[0].size());
      }
      items.push_back(rest);
      return items;
    }
    size_t start = 0;
    while (true) {
      size_t at = delimiter_.empty() ? std::string_view::npos : text.find(delimiter_, start);
      if (at == std::string_view::npos) {
        items.push_back(text.substr(start));
        return items;
      }
      items.push_back(text.substr(start, at - start));
      start = at + delimiter_.size();
    }
  }

  ParserCore core_;
  std::string delimiter_;
  std::string label_delimiter_;
  std::optional<RubyRegex> pattern_;
  std::vector<TextField> fields_;
};

}  // namespace shipper::parser_ltsv

namespace shipper {
void register_plugin_parser_ltsv(Registry& registry) {
  registry.add<parser_ltsv::LtsvParser>(config::PluginKind::kParser, "ltsv",
                                        "labeled tab-separated values");
}
}  // namespace shipper
