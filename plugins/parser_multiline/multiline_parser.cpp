// parser_multiline: format_firstline detects the first line of an event; format1…format20 are
// joined into one regexp (dot matches newline) that parses the whole event (spec §3.7, §1.8).
#include "engine/parser_base.hpp"
#include "engine/regexp_record.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_multiline/multiline_params.hpp"

namespace shipper::parser_multiline {

namespace {

// "/body/" → body; nullopt when the value is not written between slashes.
std::optional<std::string> slash_body(const std::string& v) {
  if (v.size() < 2 || v.front() != '/' || v.back() != '/') return std::nullopt;
  return v.substr(1, v.size() - 2);
}

std::string joined_formats(const Params& p) {
  std::string all;
  for (const auto* f : p.formats()) {
    if (!*f) break;
    if (auto body = slash_body(**f)) all += *body;
  }
  return all;
}

}  // namespace

void Params::validate_multiline(const Params& p, const config::Element& e,
                                config::BindContext& ctx) {
  auto fail = [&](std::string msg) {
    if (ctx.diags)
      ctx.diags->error(e.loc, "invalid-value", config::in_section(ctx, std::move(msg)));
  };
  if (p.format_firstline && !slash_body(*p.format_firstline))
    fail("format_firstline should be Regexp, need //: '" + *p.format_firstline + "'");
  bool ended = false;
  int count = 0;
  auto fs = p.formats();
  for (int i = 0; i < kFormatMax; ++i) {
    if (!*fs[i]) {
      ended = true;
      continue;
    }
    if (ended) {
      fail("jump of format index found. format" + std::to_string(i) + " is missing.");
      return;
    }
    if (!slash_body(**fs[i])) {
      fail("format" + std::to_string(i + 1) + " should be Regexp, need //: '" + **fs[i] + "'");
      return;
    }
    ++count;
  }
  if (count == 0) {
    fail("No named captures");
    return;
  }
  RubyRegex re(joined_formats(p), {false, true, false});
  if (!re.ok())
    fail("invalid regexp: " + re.error());
  else if (re.named_groups().empty())
    fail("No named captures");
}

class MultilineParser : public RegexpRecordParser {
 public:
  using Params = parser_multiline::Params;
  MultilineParser(Params p, PluginContext&)
      : RegexpRecordParser(p, joined_formats(p), {false, true, false}) {
    if (p.format_firstline) {
      if (auto body = slash_body(*p.format_firstline))
        firstline_.emplace(*body, RubyRegexOptions{});
    }
  }

  // Every match of the joined regexp is an event; a remainder that does not match is reported
  // as one more "no match".
  void parse_all(std::string_view text, Sink& sink) override {
    std::string_view rest = text;
    bool first = true;
    while (true) {
      if (!re_.ok() || !re_.match(rest, groups_)) {
        if (first || !rest.empty()) {
          ParseResult r = not_matched();
          r.error = std::string(rest);
          sink.on_result(r, EventTime{});
        }
        return;
      }
      first = false;
      EventTime t;
      MsgpackWriter& w = sink.record_writer();
      const re2::StringPiece& whole = groups_[0];
      size_t end = static_cast<size_t>(whole.data() - rest.data()) + whole.size();
      ParseResult r = write_regex_record(re_, core_, groups_, t, w);
      sink.on_result(r, t);
      if (end == 0) return;  // an empty match would not advance
      rest = rest.substr(end);
      if (!rest.empty() && rest.front() == '\n') rest.remove_prefix(1);
      if (rest.empty()) return;
    }
  }

  bool has_firstline() const override { return firstline_.has_value(); }
  bool is_firstline(std::string_view line) const override {
    return firstline_ && firstline_->ok() && firstline_->search(line);
  }

 private:
  std::optional<RubyRegex> firstline_;
};

}  // namespace shipper::parser_multiline

namespace shipper {
void register_plugin_parser_multiline(Registry& registry) {
  registry.add<parser_multiline::MultilineParser>(
      config::PluginKind::kParser, "multiline",
      "events of several lines (format_firstline, format1…)");
}
}  // namespace shipper
