#include "buffer/file_meta.hpp"

#include <cstring>
#include <sstream>

#include "core/msgpack_writer.hpp"

namespace shipper::buffer {

std::string encode_chunk_meta(const ChunkMeta& m) {
  std::string body;
  MsgpackWriter w(body);
  w.map_header(8);
  w.str("timekey");
  if (m.metadata.timekey)
    w.integer(*m.metadata.timekey);
  else
    w.nil();
  w.str("tag");
  if (m.metadata.tag)
    w.str(*m.metadata.tag);
  else
    w.nil();
  w.str("variables");
  if (m.metadata.variables) {
    w.map_header(static_cast<uint32_t>(m.metadata.variables->size()));
    for (const auto& [k, v] : *m.metadata.variables) {
      w.str(k);
      if (v)
        w.str(*v);
      else
        w.nil();
    }
  } else {
    w.nil();
  }
  w.str("seq");
  w.integer(m.metadata.seq);
  w.str("id");
  w.bin(chunk_id_bytes(m.id));
  w.str("s");
  w.uinteger(m.records);
  w.str("c");
  w.integer(m.created);
  w.str("m");
  w.integer(m.modified);
  std::string out;
  out.reserve(body.size() + 6);
  out += '\xc1';
  out += '\x00';
  uint32_t n = static_cast<uint32_t>(body.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>(n >> 16);
  out += static_cast<char>(n >> 8);
  out += static_cast<char>(n);
  out += body;
  return out;
}

static std::string obj_text(const msgpack::object& o) {
  if (o.type == msgpack::type::STR) return std::string(o.via.str.ptr, o.via.str.size);
  if (o.type == msgpack::type::BIN) return std::string(o.via.bin.ptr, o.via.bin.size);
  std::ostringstream os;
  os << o;
  return os.str();
}

Result<ChunkMeta> decode_chunk_meta(std::string_view bytes) {
  std::string_view body = bytes;
  if (bytes.size() >= 6 && static_cast<unsigned char>(bytes[0]) == 0xc1 && bytes[1] == 0) {
    auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
    uint32_t n = u(2) << 24 | u(3) << 16 | u(4) << 8 | u(5);
    if (bytes.size() < 6 + static_cast<size_t>(n))
      return error(StatusCode::kCorrupt, "truncated chunk meta");
    body = bytes.substr(6, n);
  }
  ChunkMeta m;
  bool has_id = false;
  try {
    msgpack::object_handle oh = msgpack::unpack(body.data(), body.size());
    const msgpack::object& o = oh.get();
    if (o.type != msgpack::type::MAP) return error(StatusCode::kCorrupt, "chunk meta is not a map");
    for (uint32_t i = 0; i < o.via.map.size; ++i) {
      const auto& kv = o.via.map.ptr[i];
      if (kv.key.type != msgpack::type::STR) continue;
      std::string key(kv.key.via.str.ptr, kv.key.via.str.size);
      const msgpack::object& v = kv.val;
      bool nil = v.type == msgpack::type::NIL;
      if (key == "timekey") {
        if (!nil) m.metadata.timekey = v.as<int64_t>();
      } else if (key == "tag") {
        if (!nil) m.metadata.tag = obj_text(v);
      } else if (key == "variables") {
        if (!nil && v.type == msgpack::type::MAP) {
          m.metadata.variables.emplace();
          for (uint32_t j = 0; j < v.via.map.size; ++j) {
            const auto& e = v.via.map.ptr[j];
            std::optional<std::string> val;
            if (e.val.type != msgpack::type::NIL) val = obj_text(e.val);
            m.metadata.variables->emplace_back(obj_text(e.key), std::move(val));
          }
        }
      } else if (key == "seq") {
        if (!nil) m.metadata.seq = v.as<int>();
      } else if (key == "id") {
        std::string id = obj_text(v);
        if (id.size() == 16) {
          std::memcpy(m.id.data(), id.data(), 16);
          has_id = true;
        }
      } else if (key == "s") {
        if (!nil) m.records = v.as<uint32_t>();
      } else if (key == "c") {
        if (!nil) m.created = v.as<int64_t>();
      } else if (key == "m") {
        if (!nil) m.modified = v.as<int64_t>();
      }
    }
  } catch (const std::exception& e) {
    return error(StatusCode::kCorrupt, std::string("invalid chunk meta: ") + e.what());
  }
  if (!has_id || m.created <= 0 || m.modified <= 0)
    return error(StatusCode::kCorrupt, "broken chunk meta (id, c or m missing)");
  return m;
}

}  // namespace shipper::buffer
