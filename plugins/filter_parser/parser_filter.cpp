// filter_parser (spec §5.2): parses one field of the record with a <parse> parser.
//
// The field is read in place through the record accessor; the parser writes its records straight
// into a scratch buffer, and each output record is assembled from byte ranges (the original
// pairs, the parsed pairs) without decoding values.
#include "core/record_accessor.hpp"
#include "core/record_view.hpp"
#include "core/utf8.hpp"
#include "engine/registry.hpp"
#include "engine/sub_plugin.hpp"
#include "plugins/filter_parser/params.hpp"
#include "plugins/filter_record_transformer/error_events.hpp"

namespace shipper::filter_parser {
namespace {

// Collects every result of one parse_all call with the byte range of its record.
class Collector : public Parser::Sink {
 public:
  struct Item {
    ParseResult result;
    EventTime time;
    size_t begin = 0, end = 0;
  };
  std::string buf;
  std::vector<Item> items;

  void reset() {
    buf.clear();
    items.clear();
  }
  MsgpackWriter& record_writer() override {
    mark_ = buf.size();
    return writer_;
  }
  void on_result(const ParseResult& r, EventTime t) override {
    if (r.code != ParseResult::Code::kOk) buf.resize(mark_);
    items.push_back({r, t, mark_, buf.size()});
    mark_ = buf.size();
  }

 private:
  MsgpackWriter writer_{buf};
  size_t mark_ = 0;
};

}  // namespace

class ParserFilter : public Filter {
 public:
  using Params = filter_parser::Params;

  ParserFilter(Params p, PluginContext& ctx) : p_(std::move(p)), ctx_(ctx) {
    auto a = RecordAccessor::parse(p_.key_name);
    if (!a)
      throw config::ConfigException{{ctx.element ? ctx.element->loc : config::Location{},
                                     config::Severity::kError, "config-error", a.status().message(),
                                     ""}};
    accessor_ = std::move(*a);
    parser_ = create_sub_plugin<Parser>(ctx_, p_.parse, config::PluginKind::kParser);
  }

  Outcome filter(const EventBatch& in, EventBatch& out) override {
    if (out.tag.empty()) out.tag = in.tag;
    filter_util::ErrorEvents errors(DropReason::kParseError);
    std::string_view rest = in.entries;
    EventTime time;
    MpValue record;
    std::string scratch, source_removed;
    Collector collector_;  // per call: filter() may run on several threads
    while (next_entry(rest, time, record)) {
      MpValue raw;
      RecordAccessor::Lookup found = accessor_.get(record, raw);
      if (found == RecordAccessor::Lookup::kError) {
        error(errors, in.tag, time, record,
              "parse failed: " + p_.key_name + " is inside a non-container value");
        continue;
      }
      if (found == RecordAccessor::Lookup::kMissing || raw.is_nil()) {
        if (p_.reserve_data) emit(out, time, record, {}, scratch);
        error(errors, in.tag, time, record, p_.key_name + " does not exist");
        continue;
      }
      if (!raw.is_string()) {
        error(errors, in.tag, time, record, "parse failed no implicit conversion into String");
        continue;
      }
      std::string_view text = raw.data;
      std::string scrubbed;
      if (p_.replace_invalid_sequence && !is_valid_utf8(text)) {
        scrubbed = scrub_utf8(text, "?");
        text = scrubbed;
      }
      collector_.reset();
      parser_->parse_all(text, collector_);
      // The record the parsed values are merged into (reserve_data): without the source field
      // when remove_key_name_field is set and parsing succeeded.
      MpValue base = record;
      bool removed = false;
      for (const auto& item : collector_.items) {
        if (item.result.code == ParseResult::Code::kOk) {
          if (p_.remove_key_name_field && !removed) {
            source_removed.clear();
            if (accessor_.remove(record, source_removed)) mp_decode(source_removed, base);
            removed = true;
          }
          EventTime t = p_.reserve_time        ? time
                        : item.result.has_time ? item.time
                                               : EventTime::now();
          emit(out, t, base,
               std::string_view(collector_.buf).substr(item.begin, item.end - item.begin), scratch);
          continue;
        }
        if (item.result.code == ParseResult::Code::kNotMatched) {
          if (p_.reserve_data) emit(out, time, base, {}, scratch);
          error(errors, in.tag, time, base,
                "pattern not matched with data '" + std::string(text) + "'");
        } else {
          error(errors, in.tag, time, base,
                item.result.error.empty() ? std::string("parse failed") : item.result.error);
        }
        break;  // Fluentd raises here: later results of the same text are not emitted
      }
    }
    errors.flush(ctx_, error_limit_);
    return Outcome::kReplaced;
  }

 private:
  void error(filter_util::ErrorEvents& errors, const std::string& tag, EventTime time,
             const MpValue& record, std::string message) {
    if (!p_.emit_invalid_record_to_error) {
      if (!p_.reserve_data) count_dropped(DropReason::kParseError, 1);
      return;
    }
    errors.add(tag, time, record.bytes, std::move(message));
  }

  // Fluentd's handle_parsed: prefix the parsed keys, nest them under hash_value_field, merge
  // them over the original record when reserve_data. `values` empty means {}.
  void emit(EventBatch& out, EventTime t, const MpValue& record, std::string_view values,
            std::string& scratch) {
    scratch.clear();
    std::string parsed;
    MpValue v;
    bool have_values = !values.empty() && mp_decode(values, v) && v.is_map();
    if (p_.inject_key_prefix && have_values) {
      mp_write_map_header(parsed, v.count);
      MapView it(v);
      MpValue k, val;
      while (it.next(k, val)) {
        std::string key = *p_.inject_key_prefix;
        append_ruby_to_s(k, key);
        mp_write_str(parsed, key);
        parsed.append(val.bytes.data(), val.bytes.size());
      }
    } else if (have_values) {
      parsed.assign(values);
    } else {
      mp_write_map_header(parsed, 0);
    }
    if (p_.hash_value_field) {
      std::string wrapped;
      mp_write_map_header(wrapped, 1);
      mp_write_str(wrapped, *p_.hash_value_field);
      wrapped += parsed;
      parsed.swap(wrapped);
    }
    if (!p_.reserve_data) {
      out.begin_entry(t);
      out.entries += parsed;
      out.commit_entry();
      return;
    }
    MpValue r;
    mp_decode(parsed, r);
    std::vector<FieldSet> set;
    MapView it(r);
    MpValue k, val;
    std::vector<std::string> keys;
    keys.reserve(r.count);
    while (it.next(k, val)) {
      keys.emplace_back();
      append_ruby_to_s(k, keys.back());
      set.push_back({keys.back(), val.bytes});
    }
    rewrite_map(record, set, {}, scratch);
    out.begin_entry(t);
    out.entries += scratch;
    out.commit_entry();
  }

  Params p_;
  PluginContext ctx_;
  RecordAccessor accessor_;
  SubPlugin<Parser> parser_;
  filter_util::RateLimit error_limit_;
};

}  // namespace shipper::filter_parser

namespace shipper {
void register_plugin_filter_parser(Registry& registry) {
  registry.add<filter_parser::ParserFilter>(config::PluginKind::kFilter, "parser",
                                            "parses a field of the record with a <parse> parser");
}
}  // namespace shipper
