#include "core/record_view.hpp"

#include <cstring>
#include <vector>

#include "core/msgpack_writer.hpp"
#include "core/record_json.hpp"
#include "core/text.hpp"

namespace shipper {
namespace {

inline uint8_t u8(const char* p) {
  return static_cast<uint8_t>(*p);
}
inline uint16_t be16(const char* p) {
  return static_cast<uint16_t>(u8(p) << 8 | u8(p + 1));
}
inline uint32_t be32(const char* p) {
  return static_cast<uint32_t>(u8(p)) << 24 | static_cast<uint32_t>(u8(p + 1)) << 16 |
         static_cast<uint32_t>(u8(p + 2)) << 8 | u8(p + 3);
}
inline uint64_t be64(const char* p) {
  return static_cast<uint64_t>(be32(p)) << 32 | be32(p + 4);
}

// Decodes only the header of the object at data[0]: type, scalar value, and for str/bin/ext the
// body; for containers the element count. `header_len` and `body_len` give the object's own bytes
// (containers: the header only; their elements follow). False when truncated or malformed.
bool decode_header(std::string_view d, MpValue& v, size_t& header_len, size_t& body_len) {
  if (d.empty()) return false;
  const char* p = d.data();
  const size_t n = d.size();
  uint8_t c = u8(p);
  body_len = 0;
  auto need = [&](size_t k) { return n >= k; };
  auto sized = [&](MpType t, size_t hl, size_t len) {
    if (!need(hl) || n - hl < len) return false;
    v.type = t;
    header_len = hl;
    body_len = len;
    v.data = d.substr(hl, len);
    return true;
  };
  if (c <= 0x7f) {
    v.type = MpType::kInt, v.integer = c, header_len = 1;
    return true;
  }
  if (c >= 0xe0) {
    v.type = MpType::kInt, v.integer = static_cast<int8_t>(c), header_len = 1;
    return true;
  }
  if ((c & 0xf0) == 0x80) {
    v.type = MpType::kMap, v.count = c & 0x0f, header_len = 1;
    return true;
  }
  if ((c & 0xf0) == 0x90) {
    v.type = MpType::kArray, v.count = c & 0x0f, header_len = 1;
    return true;
  }
  if ((c & 0xe0) == 0xa0) return sized(MpType::kStr, 1, c & 0x1f);
  switch (c) {
    case 0xc0:
      v.type = MpType::kNil, header_len = 1;
      return true;
    case 0xc2:
      v.type = MpType::kBool, v.boolean = false, header_len = 1;
      return true;
    case 0xc3:
      v.type = MpType::kBool, v.boolean = true, header_len = 1;
      return true;
    case 0xc4:
      return need(2) && sized(MpType::kBin, 2, u8(p + 1));
    case 0xc5:
      return need(3) && sized(MpType::kBin, 3, be16(p + 1));
    case 0xc6:
      return need(5) && sized(MpType::kBin, 5, be32(p + 1));
    case 0xc7:
      if (!need(3) || !sized(MpType::kExt, 3, u8(p + 1))) return false;
      v.ext_type = static_cast<int8_t>(p[2]);
      return true;
    case 0xc8:
      if (!need(4) || !sized(MpType::kExt, 4, be16(p + 1))) return false;
      v.ext_type = static_cast<int8_t>(p[3]);
      return true;
    case 0xc9:
      if (!need(6) || !sized(MpType::kExt, 6, be32(p + 1))) return false;
      v.ext_type = static_cast<int8_t>(p[5]);
      return true;
    case 0xca: {
      if (!need(5)) return false;
      uint32_t bits = be32(p + 1);
      float f;
      std::memcpy(&f, &bits, 4);
      v.type = MpType::kFloat, v.floating = f, header_len = 5;
      return true;
    }
    case 0xcb: {
      if (!need(9)) return false;
      uint64_t bits = be64(p + 1);
      double f;
      std::memcpy(&f, &bits, 8);
      v.type = MpType::kFloat, v.floating = f, header_len = 9;
      return true;
    }
    case 0xcc:
      if (!need(2)) return false;
      v.type = MpType::kInt, v.integer = u8(p + 1), header_len = 2;
      return true;
    case 0xcd:
      if (!need(3)) return false;
      v.type = MpType::kInt, v.integer = be16(p + 1), header_len = 3;
      return true;
    case 0xce:
      if (!need(5)) return false;
      v.type = MpType::kInt, v.integer = be32(p + 1), header_len = 5;
      return true;
    case 0xcf: {
      if (!need(9)) return false;
      uint64_t x = be64(p + 1);
      v.type = MpType::kInt, header_len = 9;
      if (x > static_cast<uint64_t>(INT64_MAX)) {
        v.is_unsigned = true, v.uinteger = x;
      } else {
        v.integer = static_cast<int64_t>(x);
      }
      return true;
    }
    case 0xd0:
      if (!need(2)) return false;
      v.type = MpType::kInt, v.integer = static_cast<int8_t>(p[1]), header_len = 2;
      return true;
    case 0xd1:
      if (!need(3)) return false;
      v.type = MpType::kInt, v.integer = static_cast<int16_t>(be16(p + 1)), header_len = 3;
      return true;
    case 0xd2:
      if (!need(5)) return false;
      v.type = MpType::kInt, v.integer = static_cast<int32_t>(be32(p + 1)), header_len = 5;
      return true;
    case 0xd3:
      if (!need(9)) return false;
      v.type = MpType::kInt, v.integer = static_cast<int64_t>(be64(p + 1)), header_len = 9;
      return true;
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8: {
      size_t len = size_t{1} << (c - 0xd4);
      if (!need(2) || !sized(MpType::kExt, 2, len)) return false;
      v.ext_type = static_cast<int8_t>(p[1]);
      return true;
    }
    case 0xd9:
      return need(2) && sized(MpType::kStr, 2, u8(p + 1));
    case 0xda:
      return need(3) && sized(MpType::kStr, 3, be16(p + 1));
    case 0xdb:
      return need(5) && sized(MpType::kStr, 5, be32(p + 1));
    case 0xdc:
      if (!need(3)) return false;
      v.type = MpType::kArray, v.count = be16(p + 1), header_len = 3;
      return true;
    case 0xdd:
      if (!need(5)) return false;
      v.type = MpType::kArray, v.count = be32(p + 1), header_len = 5;
      return true;
    case 0xde:
      if (!need(3)) return false;
      v.type = MpType::kMap, v.count = be16(p + 1), header_len = 3;
      return true;
    case 0xdf:
      if (!need(5)) return false;
      v.type = MpType::kMap, v.count = be32(p + 1), header_len = 5;
      return true;
    default:
      return false;  // 0xc1 is never used
  }
}

}  // namespace

size_t mp_skip(std::string_view data) {
  size_t off = 0;
  uint64_t pending = 1;  // objects still to skip
  MpValue v;
  while (pending > 0) {
    // Fast paths for the shapes records are made of.
    if (off >= data.size()) return 0;
    uint8_t c = u8(data.data() + off);
    if ((c & 0xe0) == 0xa0) {
      off += 1 + (c & 0x1f);
      --pending;
      continue;
    }
    if (c <= 0x7f || c >= 0xe0) {
      off += 1;
      --pending;
      continue;
    }
    if (c == 0xd9 || c == 0xda) {  // str8, str16: log lines
      size_t hl = c == 0xd9 ? 2 : 3;
      if (data.size() - off < hl) return 0;
      const char* h = data.data() + off;
      off += hl + (c == 0xd9 ? u8(h + 1) : (size_t{u8(h + 1)} << 8 | u8(h + 2)));
      --pending;
      continue;
    }
    size_t hl = 0, bl = 0;
    if (!decode_header(data.substr(off), v, hl, bl)) return 0;
    off += hl + bl;
    --pending;
    if (v.type == MpType::kArray) pending += v.count;
    if (v.type == MpType::kMap) pending += uint64_t{v.count} * 2;
    // A count larger than the bytes left cannot be valid (each element is at least one byte).
    if (off > data.size() || pending > data.size() - off) return 0;
  }
  return off <= data.size() ? off : 0;
}

bool mp_decode(std::string_view data, MpValue& out) {
  out = MpValue{};
  size_t hl = 0, bl = 0;
  if (!decode_header(data, out, hl, bl)) {
    out.type = MpType::kInvalid;
    return false;
  }
  if (out.type == MpType::kArray || out.type == MpType::kMap) {
    size_t len = mp_skip(data);
    if (len == 0) {
      out.type = MpType::kInvalid;
      return false;
    }
    out.bytes = data.substr(0, len);
    out.data = data.substr(hl, len - hl);
  } else {
    out.bytes = data.substr(0, hl + bl);
  }
  return true;
}

bool MapView::next(MpValue& key, MpValue& value) {
  if (left_ == 0) return false;
  if (!mp_decode(rest_, key)) return left_ = 0, false;
  rest_.remove_prefix(key.bytes.size());
  if (!mp_decode(rest_, value)) return left_ = 0, false;
  rest_.remove_prefix(value.bytes.size());
  --left_;
  return true;
}

MpValue MapView::find(const MpValue& map, std::string_view key) {
  if (!map.is_map()) return {};
  // Walks keys without decoding values beyond their length.
  std::string_view rest = map.data;
  for (uint32_t i = 0; i < map.count; ++i) {
    size_t klen = mp_skip(rest);
    if (klen == 0) return {};
    MpValue k;
    size_t hl = 0, bl = 0;
    bool match = decode_header(rest, k, hl, bl) && k.is_string() && k.data == key;
    rest.remove_prefix(klen);
    if (match) {
      MpValue v;
      mp_decode(rest, v);
      return v;
    }
    size_t vlen = mp_skip(rest);
    if (vlen == 0) return {};
    rest.remove_prefix(vlen);
  }
  return {};
}

MpValue array_at(const MpValue& array, int64_t index) {
  if (!array.is_array()) return {};
  int64_t n = array.count;
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  std::string_view rest = array.data;
  for (int64_t i = 0; i < index; ++i) {
    size_t len = mp_skip(rest);
    if (len == 0) return {};
    rest.remove_prefix(len);
  }
  MpValue v;
  mp_decode(rest, v);
  return v;
}

namespace {
void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
}  // namespace

void mp_write_map_header(std::string& out, uint32_t n) {
  char head[MsgpackWriter::kMaxMapHeader];
  out.append(head, MsgpackWriter::encode_map_header(n, head));
}

void mp_write_array_header(std::string& out, uint32_t n) {
  if (n < 16) {
    out.push_back(static_cast<char>(0x90 | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0xdc));
    put_be(out, n, 2);
  } else {
    out.push_back(static_cast<char>(0xdd));
    put_be(out, n, 4);
  }
}

void mp_write_str(std::string& out, std::string_view s) {
  size_t n = s.size();
  if (n < 32) {
    out.push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    put_be(out, n, 1);
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    put_be(out, n, 2);
  } else {
    out.push_back(static_cast<char>(0xdb));
    put_be(out, n, 4);
  }
  out.append(s.data(), s.size());
}

void mp_write_int(std::string& out, int64_t v) {
  if (v >= 0) {
    if (v <= 0x7f) {
      out.push_back(static_cast<char>(v));
    } else if (v <= 0xff) {
      out.push_back(static_cast<char>(0xcc));
      put_be(out, static_cast<uint64_t>(v), 1);
    } else if (v <= 0xffff) {
      out.push_back(static_cast<char>(0xcd));
      put_be(out, static_cast<uint64_t>(v), 2);
    } else if (v <= 0xffffffffLL) {
      out.push_back(static_cast<char>(0xce));
      put_be(out, static_cast<uint64_t>(v), 4);
    } else {
      out.push_back(static_cast<char>(0xcf));
      put_be(out, static_cast<uint64_t>(v), 8);
    }
  } else if (v >= -32) {
    out.push_back(static_cast<char>(v));
  } else if (v >= -128) {
    out.push_back(static_cast<char>(0xd0));
    put_be(out, static_cast<uint64_t>(v), 1);
  } else if (v >= -32768) {
    out.push_back(static_cast<char>(0xd1));
    put_be(out, static_cast<uint64_t>(v), 2);
  } else if (v >= INT32_MIN) {
    out.push_back(static_cast<char>(0xd2));
    put_be(out, static_cast<uint64_t>(v), 4);
  } else {
    out.push_back(static_cast<char>(0xd3));
    put_be(out, static_cast<uint64_t>(v), 8);
  }
}

void mp_write_double(std::string& out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  out.push_back(static_cast<char>(0xcb));
  put_be(out, bits, 8);
}

void mp_write_nil(std::string& out) {
  out.push_back(static_cast<char>(0xc0));
}
void mp_write_bool(std::string& out, bool v) {
  out.push_back(static_cast<char>(v ? 0xc3 : 0xc2));
}

void rewrite_map(const MpValue& map, std::span<const FieldSet> set,
                 std::span<const std::string_view> remove, std::string& out) {
  // Which `set` entries are already consumed (by an existing key or an earlier duplicate).
  // Small vectors: records have tens of keys at most, so linear scans beat hashing.
  std::vector<char> used(set.size(), 0);
  auto last_for = [&](std::string_view key) -> int {
    int found = -1;
    for (size_t i = 0; i < set.size(); ++i)
      if (set[i].key == key) found = static_cast<int>(i);
    return found;
  };
  auto removed = [&](std::string_view key) {
    for (auto r : remove)
      if (r == key) return true;
    return false;
  };
  size_t header_at = out.size();
  mp_write_map_header(out, 0xffffffffu);  // patched below (map32: fixed size)
  uint32_t written = 0;
  MapView it(map);
  MpValue k, v;
  while (it.next(k, v)) {
    if (k.is_string() && removed(k.data)) continue;
    int s = k.is_string() ? last_for(k.data) : -1;
    out.append(k.bytes.data(), k.bytes.size());
    if (s >= 0) {
      out.append(set[s].value.data(), set[s].value.size());
      for (size_t i = 0; i < set.size(); ++i)
        if (set[i].key == k.data) used[i] = 1;
    } else {
      out.append(v.bytes.data(), v.bytes.size());
    }
    ++written;
  }
  for (size_t i = 0; i < set.size(); ++i) {
    if (used[i] || removed(set[i].key)) continue;
    int s = last_for(set[i].key);
    for (size_t j = i; j < set.size(); ++j)
      if (set[j].key == set[i].key) used[j] = 1;
    mp_write_str(out, set[i].key);
    out.append(set[s].value.data(), set[s].value.size());
    ++written;
  }
  // Re-encode the header at its smallest size.
  std::string header;
  mp_write_map_header(header, written);
  out.replace(header_at, 5, header);
}

bool next_entry(std::string_view& rest, EventTime& time, MpValue& record) {
  if (rest.size() < 3 || u8(rest.data()) != 0x92) return false;
  std::string_view p = rest.substr(1);
  if (p.size() >= 10 && u8(p.data()) == 0xd7 && p[1] == 0) {
    time = decode_event_time_body(p.data() + 2);
    p.remove_prefix(10);
  } else {
    MpValue t;
    if (!mp_decode(p, t)) return false;
    if (t.type == MpType::kExt && t.data.size() == 8) {
      time = decode_event_time_body(t.data.data());
    } else if (t.type == MpType::kInt) {
      time = {static_cast<uint32_t>(t.integer), 0};
    } else if (t.type == MpType::kFloat) {
      double sec = t.floating < 0 ? 0 : t.floating;
      time = {static_cast<uint32_t>(sec),
              static_cast<uint32_t>((sec - static_cast<uint32_t>(sec)) * 1e9)};
    } else {
      return false;
    }
    p.remove_prefix(t.bytes.size());
  }
  if (!mp_decode(p, record)) return false;
  p.remove_prefix(record.bytes.size());
  rest = p;
  return true;
}

namespace {
void append_int(const MpValue& v, std::string& out) {
  out.append(v.is_unsigned ? std::to_string(v.uinteger) : std::to_string(v.integer));
}
}  // namespace

void append_ruby_to_s(const MpValue& v, std::string& out) {
  switch (v.type) {
    case MpType::kNil:
      return;
    case MpType::kStr:
    case MpType::kBin:
      out.append(v.data.data(), v.data.size());
      return;
    case MpType::kArray:
    case MpType::kMap:
      append_ruby_inspect(v, out);
      return;
    default:
      append_ruby_inspect(v, out);
      return;
  }
}

void append_ruby_inspect(const MpValue& v, std::string& out) {
  switch (v.type) {
    case MpType::kInvalid:
    case MpType::kNil:
      out.append("nil");
      return;
    case MpType::kBool:
      out.append(v.boolean ? "true" : "false");
      return;
    case MpType::kInt:
      append_int(v, out);
      return;
    case MpType::kFloat:
      append_ruby_float(v.floating, out);
      return;
    case MpType::kStr:
    case MpType::kBin:
      out.append(ruby_inspect(v.data));
      return;
    case MpType::kExt:
      // An EventTime inside a record: Ruby shows the Fluent::EventTime as its integer seconds.
      if (v.ext_type == 0 && v.data.size() == 8) {
        out.append(std::to_string(be32(v.data.data())));
      } else {
        out.append(ruby_inspect(v.data));
      }
      return;
    case MpType::kArray: {
      out.push_back('[');
      std::string_view rest = v.data;
      for (uint32_t i = 0; i < v.count; ++i) {
        MpValue e;
        if (!mp_decode(rest, e)) break;
        rest.remove_prefix(e.bytes.size());
        if (i) out.append(", ");
        append_ruby_inspect(e, out);
      }
      out.push_back(']');
      return;
    }
    case MpType::kMap: {
      out.push_back('{');
      MapView it(v);
      MpValue k, e;
      bool first = true;
      while (it.next(k, e)) {
        if (!first) out.append(", ");
        first = false;
        append_ruby_inspect(k, out);
        out.append("=>");
        append_ruby_inspect(e, out);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace shipper
