#pragma once
// Helpers for parser tests: build a parser from `key value` pairs through the registry, run it,
// and render its record as compact JSON (times as "@sec.nsec").
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/registry.hpp"

namespace shipper {
void register_plugin_parser_json(Registry&);
void register_plugin_parser_regexp(Registry&);
void register_plugin_parser_none(Registry&);
void register_plugin_parser_cri(Registry&);
void register_plugin_parser_multiline(Registry&);
void register_plugin_parser_syslog(Registry&);
void register_plugin_parser_apache2(Registry&);
void register_plugin_parser_nginx(Registry&);
void register_plugin_parser_ltsv(Registry&);
void register_plugin_parser_csv(Registry&);
void register_plugin_parser_tsv(Registry&);
void register_plugin_parser_msgpack(Registry&);
}  // namespace shipper

namespace shipper::test {

using Pairs = std::vector<std::pair<std::string, std::string>>;

inline Registry& parser_registry() {
  static Registry r = [] {
    Registry reg;
    register_plugin_parser_json(reg);
    register_plugin_parser_regexp(reg);
    register_plugin_parser_none(reg);
    register_plugin_parser_cri(reg);
    register_plugin_parser_multiline(reg);
    register_plugin_parser_syslog(reg);
    register_plugin_parser_apache2(reg);
    register_plugin_parser_nginx(reg);
    register_plugin_parser_ltsv(reg);
    register_plugin_parser_csv(reg);
    register_plugin_parser_tsv(reg);
    register_plugin_parser_msgpack(reg);
    return reg;
  }();
  return r;
}

inline config::Element make_element(const std::string& type, const Pairs& params) {
  config::Element e;
  e.name = "parse";
  config::Param t;
  t.key = "@type";
  t.value = type;
  e.params.push_back(t);
  for (const auto& [k, v] : params) {
    config::Param p;
    p.key = k;
    p.value = v;
    e.params.push_back(p);
  }
  return e;
}

// Keeps the element alive as long as the parser (plugins may point into it).
struct ParserHandle {
  std::unique_ptr<config::Element> element;
  std::unique_ptr<Parser> parser;
  config::Diagnostics diags;
  Parser* operator->() { return parser.get(); }
  Parser& operator*() { return *parser; }
  explicit operator bool() const { return parser != nullptr; }
};

inline ParserHandle make_parser(const std::string& type, const Pairs& params = {},
                                config::Element* child = nullptr) {
  ParserHandle h;
  h.element = std::make_unique<config::Element>(make_element(type, params));
  if (child) h.element->children.push_back(*child);
  PluginContext ctx;
  ctx.kind = config::PluginKind::kParser;
  ctx.type = type;
  ctx.element = h.element.get();
  ctx.registry = &parser_registry();
  config::BindContext bind;
  bind.diags = &h.diags;
  h.parser = parser_registry().create_as<Parser>(ctx, bind);
  return h;
}

// msgpack object → compact JSON; EventTime ext as "@sec.nsec" (9 digits).
inline void render(const msgpack::object& o, std::string& out) {
  switch (o.type) {
    case msgpack::type::NIL:
      out += "null";
      break;
    case msgpack::type::BOOLEAN:
      out += o.via.boolean ? "true" : "false";
      break;
    case msgpack::type::POSITIVE_INTEGER:
      out += std::to_string(o.via.u64);
      break;
    case msgpack::type::NEGATIVE_INTEGER:
      out += std::to_string(o.via.i64);
      break;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: {
      char b[64];
      std::snprintf(b, sizeof b, "%.17g", o.via.f64);
      out += b;
      break;
    }
    case msgpack::type::STR:
    case msgpack::type::BIN: {
      const char* p = o.type == msgpack::type::STR ? o.via.str.ptr : o.via.bin.ptr;
      uint32_t n = o.type == msgpack::type::STR ? o.via.str.size : o.via.bin.size;
      out += '"';
      for (uint32_t i = 0; i < n; ++i) {
        char c = p[i];
        if (c == '"' || c == '\\') {
          out += '\\';
          out += c;
        } else if (c == '\n') {
          out += "\\n";
        } else if (c == '\t') {
          out += "\\t";
        } else {
          out += c;
        }
      }
      out += '"';
      break;
    }
    case msgpack::type::ARRAY:
      out += '[';
      for (uint32_t i = 0; i < o.via.array.size; ++i) {
        if (i) out += ',';
        render(o.via.array.ptr[i], out);
      }
      out += ']';
      break;
    case msgpack::type::MAP:
      out += '{';
      for (uint32_t i = 0; i < o.via.map.size; ++i) {
        if (i) out += ',';
        render(o.via.map.ptr[i].key, out);
        out += ':';
        render(o.via.map.ptr[i].val, out);
      }
      out += '}';
      break;
    case msgpack::type::EXT: {
      EventTime t = decode_event_time_body(o.via.ext.data());
      char b[64];
      std::snprintf(b, sizeof b, "@%u.%09u", t.sec, t.nsec);
      out += b;
      break;
    }
  }
}

inline std::string to_json(std::string_view bytes) {
  if (bytes.empty()) return "";
  msgpack::object_handle oh = msgpack::unpack(bytes.data(), bytes.size());
  std::string out;
  render(oh.get(), out);
  return out;
}

// Seconds since the epoch of a UTC wall clock.
inline int64_t utc(int y, int mo, int d, int h, int mi, int s) {
  struct tm tm {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm));
}

struct Parsed {
  ParseResult result;
  EventTime time;
  std::string record;  // JSON
};

inline Parsed run(Parser& p, std::string_view text) {
  std::string buf;
  MsgpackWriter w(buf);
  Parsed out;
  out.result = p.parse(text, out.time, w);
  if (out.result.code == ParseResult::Code::kOk) out.record = to_json(buf);
  return out;
}

// Every result of parse_all_in_place() on `text` placed in a buffer where `after` follows it
// (then enough bytes for any parser's read-past-the-end), one JSON line per result. With
// `in_place` false, parse_all() on the same text, for comparison.
inline std::string run_all(Parser& p, std::string_view text, std::string_view after,
                           bool in_place = true) {
  struct Collect : Parser::Sink {
    std::string buf;
    MsgpackWriter writer{buf};
    std::string out;
    MsgpackWriter& record_writer() override {
      buf.clear();
      return writer;
    }
    void on_result(const ParseResult& r, EventTime t) override {
      out += std::to_string(static_cast<int>(r.code)) + " " + std::to_string(t.sec) + "." +
             std::to_string(t.nsec) + " " + (r.code == ParseResult::Code::kOk ? to_json(buf) : "") +
             "\n";
    }
  } sink;
  std::string memory(text);
  memory += after;
  memory.append(128, '"');
  std::string_view placed(memory.data(), text.size());
  if (in_place)
    p.parse_all_in_place(placed, memory.size() - text.size(), sink);
  else
    p.parse_all(placed, sink);
  return sink.out;
}

// Sets TZ for the scope (restored after).
struct ScopedTz {
  std::string old;
  bool had;
  explicit ScopedTz(const char* tz) {
    const char* o = std::getenv("TZ");
    had = o != nullptr;
    if (had) old = o;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had)
      setenv("TZ", old.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }
};

}  // namespace shipper::test
