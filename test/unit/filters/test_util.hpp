#pragma once
// Helpers for filter tests: records written as JSON text, compared as JSON text.
#include <simdjson.h>

#include <string>
#include <string_view>

#include "core/event_batch.hpp"
#include "core/msgpack_writer.hpp"
#include "core/record_json.hpp"
#include "core/record_view.hpp"

namespace shipper::test {

inline void json_to_msgpack(simdjson::dom::element e, MsgpackWriter& w) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::OBJECT: {
      simdjson::dom::object o = e.get_object();
      w.map_header(static_cast<uint32_t>(o.size()));
      for (auto field : o) {
        w.str(field.key);
        json_to_msgpack(field.value, w);
      }
      break;
    }
    case T::ARRAY: {
      simdjson::dom::array a = e.get_array();
      w.array_header(static_cast<uint32_t>(a.size()));
      for (auto v : a) json_to_msgpack(v, w);
      break;
    }
    case T::STRING:
      w.str(std::string_view(e.get_string()));
      break;
    case T::INT64:
      w.integer(int64_t(e.get_int64()));
      break;
    case T::UINT64:
      w.uinteger(uint64_t(e.get_uint64()));
      break;
    case T::DOUBLE:
      w.floating(double(e.get_double()));
      break;
    case T::BOOL:
      w.boolean(bool(e.get_bool()));
      break;
    case T::NULL_VALUE:
      w.nil();
      break;
  }
}

// JSON text → msgpack bytes (keys kept in written order).
inline std::string mp(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element e = parser.parse(padded);
  std::string out;
  MsgpackWriter w(out);
  json_to_msgpack(e, w);
  return out;
}

// msgpack bytes → compact JSON text, as Fluentd's formatters print it.
inline std::string js(std::string_view msgpack) {
  std::string out;
  if (!append_msgpack_as_json(msgpack, out)) return "<malformed>";
  return out;
}

inline MpValue view(std::string_view msgpack) {
  MpValue v;
  mp_decode(msgpack, v);
  return v;
}

// A batch of records (JSON texts) with one tag and time.
inline EventBatch batch(std::string tag, std::initializer_list<std::string_view> records,
                        EventTime time = {1591005600, 123456789}) {
  EventBatch b;
  b.tag = std::move(tag);
  for (auto r : records) b.append(time, mp(r));
  return b;
}

struct Entry {
  EventTime time;
  std::string json;
};
inline std::vector<Entry> entries(const EventBatch& b) {
  std::vector<Entry> out;
  EntryReader r(b.entries);
  EntryView e;
  while (r.next(e)) out.push_back({e.time, js(e.record)});
  return out;
}

}  // namespace shipper::test
