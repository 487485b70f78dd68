// parser_cri: containerd / CRI-O log lines `TIME STREAM LOGTAG MESSAGE` (spec §3.11, §7.3), as
// fluent-plugin-parser-cri parses them, with an optional nested <parse> for the message and an
// optional joining of `P` (partial) lines (merge_cri_partial, read by in_tail).
#include <memory>

#include "config/diagnostic.hpp"
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_cri/cri_params.hpp"

namespace shipper::parser_cri {

namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Ruby's text.split(/\s/, 4): three single-whitespace cuts; the fourth part keeps the rest.
bool split4(std::string_view text, std::string_view parts[4]) {
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t j = start;
    while (j < text.size() && !is_ws(text[j])) ++j;
    if (j >= text.size()) return false;
    parts[i] = text.substr(start, j - start);
    start = j + 1;
  }
  parts[3] = text.substr(start);
  return true;
}

// Number of entries of the msgpack map at the start of `m`, and its header length.
bool map_header(std::string_view m, uint32_t& count, size_t& header) {
  if (m.empty()) return false;
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(m[i])); };
  unsigned char c = static_cast<unsigned char>(m[0]);
  if ((c & 0xf0) == 0x80) {
    count = c & 0x0f;
    header = 1;
  } else if (c == 0xde && m.size() >= 3) {
    count = u(1) << 8 | u(2);
    header = 3;
  } else if (c == 0xdf && m.size() >= 5) {
    count = u(1) << 24 | u(2) << 16 | u(3) << 8 | u(4);
    header = 5;
  } else {
    return false;
  }
  return true;
}

}  // namespace

class CriParser : public Parser {
 public:
  using Params = parser_cri::Params;
  CriParser(Params p, PluginContext& ctx)
      : core_(p), merge_fields_(p.merge_cri_fields), merge_partial_(p.merge_cri_partial) {
    if (p.parse.present() && ctx.registry) {
      PluginContext sub = ctx;
      sub.kind = config::PluginKind::kParser;
      sub.type = p.parse.type;
      sub.element = p.parse.element;
      config::Diagnostics diags;
      config::BindContext bind;
      bind.diags = &diags;
      bind.section_path = "parse";
      sub_ = ctx.registry->create_as<Parser>(sub, bind);
    }
  }

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    std::string_view parts[4];
    if (!split4(text, parts)) return not_matched();
    if (sub_) return parse_nested(parts, time, w);
    std::string err;
    if (!core_.parse_time(ScalarValue::string(parts[0]), time, &err)) return parse_error(err);
    MapBuilder map(w);
    map.key("stream");
    core_.write_value(w, "stream", ScalarValue::string(parts[1]));
    map.key("logtag");
    core_.write_value(w, "logtag", ScalarValue::string(parts[2]));
    map.key("message");
    core_.write_value(w, "message", ScalarValue::string(parts[3]));
    if (core_.keep_time_key() && core_.time_key()) {
      map.key(*core_.time_key());
      core_.write_value(w, *core_.time_key(), ScalarValue::string(parts[0]));
    }
    map.finish();
    return parse_ok(true);
  }

  bool joins_partial_lines() const override { return merge_partial_; }
  bool describe_piece(std::string_view line, LinePiece& piece) const override {
    if (!merge_partial_) return false;
    std::string_view parts[4];
    if (!split4(line, parts)) return false;
    std::string_view tag = parts[2].substr(0, parts[2].find(':'));
    piece.partial = tag == "P";
    piece.content_begin = static_cast<size_t>(parts[3].data() - line.data());
    piece.content_end = line.size();
    return true;
  }

 private:
  // The message goes to the nested parser; stream and logtag are added to its record; the event
  // time is the nested parser's (now when the message has none).
  ParseResult parse_nested(std::string_view parts[4], EventTime& time, MsgpackWriter& w) {
    scratch_.clear();
    MsgpackWriter sw(scratch_);
    ParseResult r = sub_->parse(parts[3], time, sw);
    if (r.code != ParseResult::Code::kOk) return r;
    uint32_t count = 0;
    size_t header = 0;
    if (!map_header(scratch_, count, header)) return not_matched();
    w.map_header(count + (merge_fields_ ? 2 : 0));
    w.raw(std::string_view(scratch_).substr(header));
    if (merge_fields_) {
      w.str("stream");
      w.str(parts[1]);
      w.str("logtag");
      w.str(parts[2]);
    }
    return r;
  }

  ParserCore core_;
  bool merge_fields_;
  bool merge_partial_;
  std::unique_ptr<Parser> sub_;
  std::string scratch_;
};

}  // namespace shipper::parser_cri

namespace shipper {
void register_plugin_parser_cri(Registry& registry) {
  registry.add<parser_cri::CriParser>(config::PluginKind::kParser, "cri",
                                      "containerd / CRI-O log lines (TIME STREAM LOGTAG MESSAGE)");
}
}  // namespace shipper
