// parser_json: one JSON object per line → one record (spec §3.4). simdjson's on-demand API walks
// the text once and every value is written straight into the record's msgpack: no DOM, no map.
// Key order is kept, the time field is consumed (unless keep_time_key), duplicate keys keep the
// first position with the last value (Ruby hash semantics), `\u` escapes become raw UTF-8.
#include <simdjson.h>

#include <cstring>
#include <new>
#include <span>
#include <utility>

#include "core/utf8.hpp"
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_json/docker_piece.hpp"
#include "plugins/parser_json/flat_object.hpp"
#include "plugins/parser_json/json_params.hpp"
#include "plugins/parser_json/json_string.hpp"

namespace shipper::parser_json {

namespace od = simdjson::ondemand;

class JsonParser : public Parser {
 public:
  using Params = parser_json::Params;
  JsonParser(Params p, PluginContext&)
      : core_(adjusted(p)), merge_partial_(p.merge_docker_partial) {
    // The unescaper of write_flat() is the parser's: it exists once the parser has a capacity.
    if (json_.allocate(kInitialCapacity) != simdjson::SUCCESS) throw std::bad_alloc();
  }

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& record) override {
    ParseResult result = not_matched();
    bool first = true;
    run(
        text, 0, [&]() -> MsgpackWriter* { return first ? &record : nullptr; },
        [&](const ParseResult& r, EventTime t) {
          if (first) {
            result = r;
            time = t;
            first = false;
          }
        });
    return result;
  }

  void parse_all(std::string_view text, Sink& sink) override { parse_all_in_place(text, 0, sink); }

  void parse_all_in_place(std::string_view text, size_t readable_after, Sink& sink) override {
    appendix_ = sink.record_appendix();
    run(
        text, readable_after, [&]() -> MsgpackWriter* { return &sink.record_writer(); },
        [&](const ParseResult& r, EventTime t) { sink.on_result(r, t); });
    appendix_ = nullptr;
  }

  bool joins_partial_lines() const override { return merge_partial_; }
  bool describe_piece(std::string_view line, LinePiece& piece) const override {
    return merge_partial_ && describe_docker_piece(line, piece);
  }

 private:
  static const ParserCommonParams& adjusted(Params& p) {
    // Setting time_format without time_type reads the time as a string (Fluentd's json parser).
    if (p.time_format && p.time_type == "float") p.time_type = "string";
    return p;
  }

  // Parses `text`; for each record asks `writer_for` where to write it and reports the outcome
  // through `done` (a record is complete only when done() gets kOk).
  template <class WriterFor, class Done>
  void run(std::string_view text, size_t readable_after, WriterFor&& writer_for, Done&& done) {
    // simdjson validates UTF-8 (in its first pass over the text); Fluentd's JSON engine does
    // not. A line with invalid bytes is parsed again with each invalid sequence replaced by
    // U+FFFD instead of being dropped.
    if (run_once(text, readable_after, writer_for, done) == simdjson::UTF8_ERROR) {
      std::string clean = scrub_utf8(text);
      run_once(clean, 0, writer_for, done);
    }
  }

  simdjson::padded_string_view padded_copy(std::string_view text) {
    if (padded_.size() < text.size() + simdjson::SIMDJSON_PADDING)
      padded_.resize(text.size() + simdjson::SIMDJSON_PADDING + 256);
    std::memcpy(padded_.data(), text.data(), text.size());
    std::memset(padded_.data() + text.size(), ' ', simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(padded_.data(), text.size(), padded_.size());
  }

  // Returns UTF8_ERROR, without reporting anything, when the text is not valid UTF-8.
  template <class WriterFor, class Done>
  simdjson::error_code run_once(std::string_view text, size_t readable_after,
                                WriterFor&& writer_for, Done&& done) {
    // simdjson reads up to SIMDJSON_PADDING bytes past the end: without that much readable
    // memory after the text, parse a padded copy.
    simdjson::padded_string_view input(text.data(), text.size(), text.size() + readable_after);
    if (readable_after < simdjson::SIMDJSON_PADDING) input = padded_copy(text);
    if (!core_.processes_values() && flat_.scan(input)) {
      MsgpackWriter* w = writer_for();
      EventTime t;
      ParseResult r;
      if (write_flat(*w, t, r)) {
        done(r, t);
        return simdjson::SUCCESS;
      }
      // write_flat left the line to the full parse, which writes into the same record.
      return run_full(
          input, text, [w]() { return w; }, done);
    }
    return run_full(input, text, writer_for, done);
  }

  template <class WriterFor, class Done>
  simdjson::error_code run_full(simdjson::padded_string_view input, std::string_view text,
                                WriterFor&& writer_for, Done&& done) {
    od::document doc;
    simdjson::error_code started = json_.iterate(input).get(doc);
    if (started == simdjson::UTF8_ERROR) return started;
    if (started != simdjson::SUCCESS) {
      done(not_matched(), EventTime{});
      return simdjson::SUCCESS;
    }
    od::json_type type;
    if (doc.type().get(type) != simdjson::SUCCESS) {
      done(not_matched(), EventTime{});
      return simdjson::SUCCESS;
    }
    if (type == od::json_type::object) {
      od::object obj;
      if (doc.get_object().get(obj) != simdjson::SUCCESS) {
        done(not_matched(), EventTime{});
        return simdjson::SUCCESS;
      }
      MsgpackWriter* w = writer_for();
      size_t mark = w->size();
      EventTime t;
      ParseResult r = write_record(obj, *w, t);
      const char* trailing = nullptr;
      if (r.code == ParseResult::Code::kOk &&
          doc.current_location().get(trailing) == simdjson::SUCCESS)
        r = not_matched();  // something follows the object
      if (r.code == ParseResult::Code::kOk && duplicate_) {
        // Rare: a key appeared twice. Rebuild with Ruby's semantics from a second pass.
        w->buffer().resize(mark);
        r = rebuild_without_duplicates(text, *w, t);
      }
      if (r.code != ParseResult::Code::kOk) w->buffer().resize(mark);
      done(r, t);
      return simdjson::SUCCESS;
    }
    if (type == od::json_type::array) {
      // v1.17+: every element is a result; objects become records, others "no match".
      std::vector<std::pair<ParseResult, EventTime>> pending;
      od::array arr;
      if (doc.get_array().get(arr) != simdjson::SUCCESS) {
        done(not_matched(), EventTime{});
        return simdjson::SUCCESS;
      }
      for (auto element : arr) {
        od::value v;
        if (element.get(v) != simdjson::SUCCESS) {
          done(not_matched(), EventTime{});
          return simdjson::SUCCESS;
        }
        od::json_type et;
        if (v.type().get(et) != simdjson::SUCCESS) {
          done(not_matched(), EventTime{});
          return simdjson::SUCCESS;
        }
        if (et != od::json_type::object) {
          if (skip(v) != simdjson::SUCCESS) {
            done(not_matched(), EventTime{});
            return simdjson::SUCCESS;
          }
          done(not_matched(), EventTime{});
          continue;
        }
        MsgpackWriter* w = writer_for();
        if (!w) {
          if (skip(v) != simdjson::SUCCESS) return simdjson::SUCCESS;
          continue;
        }
        od::object obj;
        if (v.get_object().get(obj) != simdjson::SUCCESS) return simdjson::SUCCESS;
        size_t mark = w->size();
        EventTime t;
        ParseResult r = write_record(obj, *w, t);
        if (r.code != ParseResult::Code::kOk) w->buffer().resize(mark);
        done(r, t);
        if (r.code == ParseResult::Code::kNotMatched && r.error == "syntax")
          return simdjson::SUCCESS;
      }
      return simdjson::SUCCESS;
    }
    done(not_matched(), EventTime{});
    return simdjson::SUCCESS;
  }

  // On-demand skips a value that is not read when iteration moves on.
  static simdjson::error_code skip(od::value&) { return simdjson::SUCCESS; }

  // Most keys and strings in logs have no escapes: they are used where they lie in the text
  // instead of being copied out by simdjson's unescaper. `raw` points just past the opening
  // quote; stage 1 already found the closing quote and validated UTF-8.
  static bool plain_string_at(const char* raw, std::string_view& out) {
    const char* p = raw;
    while (*p != '"') {
      if (*p == '\\') return false;
      ++p;
    }
    out = std::string_view(raw, static_cast<size_t>(p - raw));
    return true;
  }
  static simdjson::error_code field_key(od::field& field, std::string_view& key) {
    if (plain_string_at(field.key().raw(), key)) return simdjson::SUCCESS;
    return field.unescaped_key().get(key);
  }
  // The field inside simdjson's result, used where it lies: copying it out (and then its value)
  // is a 16-byte load of bytes just stored in halves, a stall on every field.
  static od::field* field_in(simdjson::simdjson_result<od::field>& result) {
    if (result.error() != simdjson::SUCCESS) return nullptr;
    return const_cast<od::field*>(&std::as_const(result).value_unsafe());
  }
  static bool is_json_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
  // The text between a string value's quotes, located without reading it: the token runs from
  // the opening quote to the next structural character, so the closing quote is its last
  // non-blank byte.
  static bool string_body(od::value& v, std::string_view& body) {
    std::string_view token = v.raw_json_token();
    size_t end = token.size();
    while (end > 0 && is_json_blank(token[end - 1])) --end;
    if (end < 2 || token[0] != '"' || token[end - 1] != '"') return false;
    body = token.substr(1, end - 2);
    return true;
  }
  // Searched from the end: docker's `log` values end in an escaped newline, found at once.
  static bool has_escape(std::string_view body) {
    return ::memrchr(body.data(), '\\', body.size()) != nullptr;
  }
  static simdjson::error_code string_value(od::value& v, std::string_view& s) {
    if (string_body(v, s) && !has_escape(s)) return simdjson::SUCCESS;
    return v.get_string().get(s);
  }
  // A string value straight into the record: copied as it lies when it has no escapes, else
  // unescaped by simdjson into the record's bytes.
  simdjson::error_code write_string(od::value& v, MsgpackWriter& w) {
    std::string_view body;
    if (string_body(v, body)) {
      if (!has_escape(body)) {
        w.str(body);
        return simdjson::SUCCESS;
      }
      return write_unescaped_string(json_, body, w) ? simdjson::SUCCESS : simdjson::STRING_ERROR;
    }
    std::string_view s;
    if (auto e = v.get_string().get(s); e) return e;
    w.str(s);
    return simdjson::SUCCESS;
  }

  // Writes the object flat_ scanned as the record, the way write_record would. False, with the
  // writer as it was, when the full parse must decide: a key comes twice, the time does not
  // parse (an earlier field may hold the error to report), simdjson rejects an escape.
  // Everything is checked and sized first; the record is then written in one piece of room
  // (one resize instead of two appends per string).
  bool write_flat(MsgpackWriter& w, EventTime& time, ParseResult& result) {
    const std::span<const FlatField> fields = flat_.fields();
    seen_keys_.clear();
    bool has_time = false;
    uint32_t pairs = 0;
    // The unescaper's overrun past the last string lands in the padding; past an earlier
    // string, in room that a later one then writes over.
    size_t room = MsgpackWriter::kMaxMapHeader + simdjson::SIMDJSON_PADDING;
    for (const FlatField& f : fields) {
      for (auto k : seen_keys_) {
        if (k == f.key) return false;
      }
      seen_keys_.push_back(f.key);
      room += 2 * MsgpackWriter::kMaxStrHeader + f.key.size() + f.body.size();
      if (core_.is_time_key(f.key)) {
        if (f.escaped || !core_.parse_time(ScalarValue::string(f.body), time, nullptr))
          return false;
        has_time = true;
        if (!core_.keep_time_key()) continue;
      }
      ++pairs;
    }
    const bool append = appendix_ && !appendix_->empty() && !appendix_->has_any_of(seen_keys_);
    if (append) {
      room += appendix_->encoded_pairs().size();
      pairs += static_cast<uint32_t>(appendix_->size());
    }
    std::string& out = w.buffer();
    const size_t mark = out.size();
    out.resize(mark + room);
    char* at = out.data() + mark;
    at += MsgpackWriter::encode_map_header(pairs, at);
    const auto put_str = [&at](std::string_view s) {
      at += MsgpackWriter::encode_str_header(s.size(), at);
      std::memcpy(at, s.data(), s.size());
      at += s.size();
    };
    for (const FlatField& f : fields) {
      if (core_.is_time_key(f.key) && !core_.keep_time_key()) continue;
      put_str(f.key);
      if (!f.escaped) {
        put_str(f.body);
        continue;
      }
      const size_t written = unescaped_str_at(json_, f.body, at);
      if (written == 0) {
        out.resize(mark);
        return false;
      }
      at += written;
    }
    if (append) {
      const std::string_view encoded = appendix_->encoded_pairs();
      std::memcpy(at, encoded.data(), encoded.size());
      at += encoded.size();
    }
    out.resize(static_cast<size_t>(at - out.data()));
    result = core_.finish(has_time);
    result.appendix_applied = append;
    return true;
  }

  // Closes the map, with the sink's pairs when the record has none of their keys (the keys seen
  // include a consumed time key: then the sink adds them itself, after looking at the record).
  ParseResult finish_record(MapBuilder& map, bool has_time) {
    const bool append =
        appendix_ && !appendix_->empty() && !duplicate_ && !appendix_->has_any_of(seen_keys_);
    if (append) map.add_pairs(appendix_->encoded_pairs(), static_cast<uint32_t>(appendix_->size()));
    map.finish();
    ParseResult r = core_.finish(has_time);
    r.appendix_applied = append;
    return r;
  }

  // Writes one object as the record; the time field goes to `time`.
  ParseResult write_record(od::object& obj, MsgpackWriter& w, EventTime& time) {
    MapBuilder map(w);
    bool has_time = false;
    duplicate_ = false;
    seen_keys_.clear();
    for (auto result : obj) {
      od::field* field = field_in(result);
      std::string_view key;
      if (!field || field_key(*field, key) != simdjson::SUCCESS) return not_matched("syntax");
      for (auto k : seen_keys_) {
        if (k == key) duplicate_ = true;
      }
      seen_keys_.push_back(key);
      od::value& v = field->value();
      if (core_.is_time_key(key)) {
        ScalarValue sv;
        std::string raw_number;
        simdjson::error_code e = read_scalar(v, sv, raw_number);
        if (e != simdjson::SUCCESS) {
          if (e == simdjson::INCORRECT_TYPE) {
            // an object or array: not a time
            return parse_error("invalid time value: not a string or a number");
          }
          return not_matched("syntax");
        }
        std::string err;
        if (!core_.parse_time(sv, time, &err)) return parse_error(err);
        has_time = true;
        if (!core_.keep_time_key()) continue;
        map.key(key);
        core_.write_value(w, key, sv);
        continue;
      }
      map.key(key);
      if (simdjson::error_code e = write_field_value(v, key, w); e != simdjson::SUCCESS)
        return not_matched("syntax");
    }
    return finish_record(map, has_time);
  }

  // Reads a scalar; INCORRECT_TYPE for objects and arrays (left unread).
  static simdjson::error_code read_scalar(od::value& v, ScalarValue& out, std::string& scratch) {
    od::json_type t;
    if (auto e = v.type().get(t); e) return e;
    switch (t) {
      case od::json_type::string: {
        std::string_view s;
        if (auto e = string_value(v, s); e) return e;
        out = ScalarValue::string(s);
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        od::number n;
        if (auto e = v.get_number().get(n); e) {
          // Beyond 64 bits: Ruby keeps a bignum; we keep the nearest double.
          std::string_view raw = v.raw_json_token();
          scratch.assign(raw);
          while (!scratch.empty() && (scratch.back() == ' ' || scratch.back() == '\n'))
            scratch.pop_back();
          out = ScalarValue::floating(std::strtod(scratch.c_str(), nullptr));
          return simdjson::SUCCESS;
        }
        switch (n.get_number_type()) {
          case od::number_type::signed_integer:
            out = ScalarValue::integer(n.get_int64());
            break;
          case od::number_type::unsigned_integer:
            out = ScalarValue::unsigned_integer(n.get_uint64());
            break;
          default:
            out = ScalarValue::floating(n.get_double());
            break;
        }
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b); e) return e;
        out = ScalarValue::boolean(b);
        return simdjson::SUCCESS;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null); e || !is_null) return e ? e : simdjson::TAPE_ERROR;
        out = ScalarValue::nil();
        return simdjson::SUCCESS;
      }
      default:
        return simdjson::INCORRECT_TYPE;
    }
  }

  // A top-level field value: scalars go through the value post-processing, containers are
  // written as they are.
  simdjson::error_code write_field_value(od::value& v, std::string_view key, MsgpackWriter& w) {
    od::json_type t;
    if (auto e = v.type().get(t); e) return e;
    if (t == od::json_type::object || t == od::json_type::array) return write_json(v, w, 0);
    if (!core_.processes_values() && t == od::json_type::string) return write_string(v, w);
    ScalarValue sv;
    if (auto e = read_scalar(v, sv, scratch_); e) return e;
    core_.write_value(w, key, sv);
    return simdjson::SUCCESS;
  }

  // Any JSON value → msgpack, recursively.
  simdjson::error_code write_json(od::value& v, MsgpackWriter& w, int depth) {
    if (depth > 256) return simdjson::DEPTH_ERROR;
    od::json_type t;
    if (auto e = v.type().get(t); e) return e;
    switch (t) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj); e) return e;
        MapBuilder map(w);
        for (auto result : obj) {
          od::field* field = field_in(result);
          if (!field) return result.error();
          std::string_view key;
          if (auto e = field_key(*field, key); e) return e;
          map.key(key);
          if (auto e = write_json(field->value(), w, depth + 1); e) return e;
        }
        map.finish();
        return simdjson::SUCCESS;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = v.get_array().get(arr); e) return e;
        size_t header = w.size();
        w.buffer().push_back('\x90');
        uint32_t count = 0;
        for (auto element : arr) {
          od::value child;
          if (auto e = element.get(child); e) return e;
          if (auto e = write_json(child, w, depth + 1); e) return e;
          ++count;
        }
        patch_array_header(w.buffer(), header, count);
        return simdjson::SUCCESS;
      }
      case od::json_type::string:
        return write_string(v, w);
      default: {
        ScalarValue sv;
        if (auto e = read_scalar(v, sv, scratch_); e) return e;
        switch (sv.kind) {
          case ScalarValue::Kind::kString:
            w.str(sv.str);
            break;
          case ScalarValue::Kind::kInteger:
            w.integer(sv.i);
            break;
          case ScalarValue::Kind::kUnsigned:
            w.uinteger(sv.u);
            break;
          case ScalarValue::Kind::kDouble:
            w.floating(sv.d);
            break;
          case ScalarValue::Kind::kBool:
            w.boolean(sv.b);
            break;
          case ScalarValue::Kind::kNil:
            w.nil();
            break;
        }
        return simdjson::SUCCESS;
      }
    }
  }

  static void patch_array_header(std::string& b, size_t header, uint32_t count) {
    if (count <= 15) {
      b[header] = static_cast<char>(0x90 | count);
    } else if (count <= 0xffff) {
      char h[3] = {'\xdc', static_cast<char>(count >> 8), static_cast<char>(count)};
      b.replace(header, 1, h, 3);
    } else {
      char h[5] = {'\xdd', static_cast<char>(count >> 24), static_cast<char>(count >> 16),
                   static_cast<char>(count >> 8), static_cast<char>(count)};
      b.replace(header, 1, h, 5);
    }
  }

  // Duplicate keys: collect (key, encoded value) with the first position and the last value,
  // then write the map.
  ParseResult rebuild_without_duplicates(std::string_view text, MsgpackWriter& w, EventTime& time) {
    od::document doc;
    od::object obj;
    if (json_.iterate(padded_copy(text)).get(doc) || doc.get_object().get(obj))
      return not_matched();
    std::vector<std::pair<std::string, std::string>> fields;
    bool has_time = false;
    for (auto field : obj) {
      std::string_view key;
      od::value v;
      if (field.unescaped_key().get(key) || field.value().get(v)) return not_matched();
      std::string value_bytes;
      MsgpackWriter vw(value_bytes);
      if (core_.is_time_key(key)) {
        ScalarValue sv;
        if (read_scalar(v, sv, scratch_)) return parse_error("invalid time value");
        std::string err;
        if (!core_.parse_time(sv, time, &err)) return parse_error(err);
        has_time = true;
        if (!core_.keep_time_key()) {
          std::erase_if(fields, [&](const auto& f) { return f.first == key; });
          continue;
        }
        core_.write_value(vw, key, sv);
      } else if (write_field_value(v, key, vw)) {
        return not_matched();
      }
      auto it =
          std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; });
      if (it != fields.end())
        it->second = std::move(value_bytes);
      else
        fields.emplace_back(std::string(key), std::move(value_bytes));
    }
    MapBuilder map(w);
    for (const auto& [k, v] : fields) {
      map.key(k);
      w.raw(v);
    }
    map.finish();
    return core_.finish(has_time);
  }

  static constexpr size_t kInitialCapacity = 4096;

  ParserCore core_;
  bool merge_partial_;
  od::parser json_;
  FlatObject flat_;
  std::string padded_;
  std::string scratch_;
  std::vector<std::string_view> seen_keys_;
  const MapAppendix* appendix_ = nullptr;  // the sink's, during parse_all_in_place
  bool duplicate_ = false;
};

}  // namespace shipper::parser_json

namespace shipper {
void register_plugin_parser_json(Registry& registry) {
  registry.add<parser_json::JsonParser>(config::PluginKind::kParser, "json",
                                        "one JSON object per line (docker json-file)");
}
}  // namespace shipper
