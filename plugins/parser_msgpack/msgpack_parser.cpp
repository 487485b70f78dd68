// parser_msgpack: binary msgpack input; each map is a record, each array yields its maps
// (spec §3.10). No time field is consumed unless time_key is set.
#include "engine/parser_base.hpp"
#include "engine/registry.hpp"
#include "plugins/parser_msgpack/msgpack_params.hpp"

namespace shipper::parser_msgpack {

class MsgpackParser : public Parser {
 public:
  using Params = parser_msgpack::Params;
  MsgpackParser(Params p, PluginContext&) : core_(p) {}

  ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& w) override {
    ParseResult out = not_matched();
    bool first = true;
    each_record(
        text,
        [&](const msgpack::object* map, EventTime& t) -> MsgpackWriter* {
          return first ? &w : nullptr;
        },
        [&](const ParseResult& r, EventTime t) {
          if (first) {
            out = r;
            time = t;
            first = false;
          }
        });
    return out;
  }

  void parse_all(std::string_view text, Sink& sink) override {
    each_record(
        text, [&](const msgpack::object*, EventTime&) { return &sink.record_writer(); },
        [&](const ParseResult& r, EventTime t) { sink.on_result(r, t); });
  }

 private:
  template <class WriterFor, class Done>
  void each_record(std::string_view text, WriterFor&& writer_for, Done&& done) {
    size_t off = 0;
    while (off < text.size()) {
      msgpack::object_handle oh;
      try {
        oh = msgpack::unpack(text.data(), text.size(), off);
      } catch (...) {
        done(not_matched(), EventTime{});
        return;
      }
      const msgpack::object& o = oh.get();
      if (o.type == msgpack::type::MAP) {
        one(o, writer_for, done);
      } else if (o.type == msgpack::type::ARRAY) {
        for (uint32_t i = 0; i < o.via.array.size; ++i) {
          if (o.via.array.ptr[i].type == msgpack::type::MAP)
            one(o.via.array.ptr[i], writer_for, done);
          else
            done(not_matched(), EventTime{});
        }
      } else {
        done(not_matched(), EventTime{});
      }
    }
  }

  template <class WriterFor, class Done>
  void one(const msgpack::object& map, WriterFor& writer_for, Done& done) {
    EventTime t;
    MsgpackWriter* w = writer_for(&map, t);
    if (!w) return;
    size_t mark = w->size();
    MapBuilder out(*w);
    bool has_time = false;
    for (uint32_t i = 0; i < map.via.map.size; ++i) {
      const auto& kv = map.via.map.ptr[i];
      std::string key =
          kv.key.type == msgpack::type::STR ? kv.key.as<std::string>() : std::string();
      if (kv.key.type == msgpack::type::STR && core_.is_time_key(key)) {
        ScalarValue sv = scalar(kv.val);
        std::string err;
        if (!core_.parse_time(sv, t, &err)) {
          w->buffer().resize(mark);
          done(parse_error(err), t);
          return;
        }
        has_time = true;
        if (!core_.keep_time_key()) continue;
      }
      out.key(key);
      if (core_.processes_values() && is_scalar(kv.val))
        core_.write_value(*w, key, scalar(kv.val));
      else
        w->packer().pack(kv.val);
    }
    out.finish();
    ParseResult r = core_.finish(has_time);
    if (r.code != ParseResult::Code::kOk) w->buffer().resize(mark);
    done(r, t);
  }

  static bool is_scalar(const msgpack::object& o) {
    return o.type != msgpack::type::MAP && o.type != msgpack::type::ARRAY &&
           o.type != msgpack::type::EXT;
  }
  static ScalarValue scalar(const msgpack::object& o) {
    switch (o.type) {
      case msgpack::type::STR:
        return ScalarValue::string(std::string_view(o.via.str.ptr, o.via.str.size));
      case msgpack::type::BIN:
        return ScalarValue::string(std::string_view(o.via.bin.ptr, o.via.bin.size));
      case msgpack::type::POSITIVE_INTEGER:
        return ScalarValue::unsigned_integer(o.via.u64);
      case msgpack::type::NEGATIVE_INTEGER:
        return ScalarValue::integer(o.via.i64);
      case msgpack::type::FLOAT32:
      case msgpack::type::FLOAT64:
        return ScalarValue::floating(o.via.f64);
      case msgpack::type::BOOLEAN:
        return ScalarValue::boolean(o.via.boolean);
      default:
        return ScalarValue::nil();
    }
  }

  ParserCore core_;
};

}  // namespace shipper::parser_msgpack

namespace shipper {
void register_plugin_parser_msgpack(Registry& registry) {
  registry.add<parser_msgpack::MsgpackParser>(config::PluginKind::kParser, "msgpack",
                                              "binary msgpack maps");
}
}  // namespace shipper
