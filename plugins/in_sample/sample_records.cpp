#include "plugins/in_sample/sample_records.hpp"

#include <simdjson.h>

#include "core/msgpack_writer.hpp"

namespace shipper::in_sample {
namespace {

void write_value(simdjson::dom::element v, MsgpackWriter& w) {
  using T = simdjson::dom::element_type;
  switch (v.type()) {
    case T::OBJECT: {
      simdjson::dom::object o;
      if (v.get_object().get(o)) break;
      w.map_header(static_cast<uint32_t>(o.size()));
      for (auto field : o) {
        w.str(field.key);
        write_value(field.value, w);
      }
      break;
    }
    case T::ARRAY: {
      simdjson::dom::array a;
      if (v.get_array().get(a)) break;
      w.array_header(static_cast<uint32_t>(a.size()));
      for (auto item : a) write_value(item, w);
      break;
    }
    case T::STRING: {
      std::string_view s;
      if (!v.get_string().get(s)) w.str(s);
      break;
    }
    case T::INT64: {
      int64_t i = 0;
      if (!v.get_int64().get(i)) w.integer(i);
      break;
    }
    case T::UINT64: {
      uint64_t u = 0;
      if (!v.get_uint64().get(u)) w.uinteger(u);
      break;
    }
    case T::DOUBLE: {
      double d = 0;
      if (!v.get_double().get(d)) w.floating(d);
      break;
    }
    case T::BOOL: {
      bool b = false;
      if (!v.get_bool().get(b)) w.boolean(b);
      break;
    }
    case T::NULL_VALUE:
      w.nil();
      break;
  }
}

std::string ruby_like(simdjson::dom::element v) {
  return simdjson::minify(v);
}

}  // namespace

bool parse_sample(std::string_view json, std::vector<SampleRecord>& out, std::string& error) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root)) {
    error = std::string("JSON::ParserError: ") + simdjson::error_message(err);
    return false;
  }
  std::vector<simdjson::dom::element> items;
  simdjson::dom::array array;
  if (!root.get_array().get(array)) {
    for (auto item : array) items.push_back(item);
  } else {
    items.push_back(root);
  }
  out.clear();
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) {
      error =
          std::to_string(i) + "th element of sample, " + ruby_like(items[i]) + ", is not a hash";
      return false;
    }
    SampleRecord rec;
    simdjson::dom::object object;
    if (items[i].get_object().get(object)) continue;
    for (auto field : object) {
      std::string k, v;
      MsgpackWriter kw(k), vw(v);
      kw.str(field.key);
      write_value(field.value, vw);
      rec.keys.emplace_back(field.key);
      rec.entries.emplace_back(std::move(k), std::move(v));
    }
    out.push_back(std::move(rec));
  }
  return true;
}

}  // namespace shipper::in_sample
