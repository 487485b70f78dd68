#pragma once
// Walking a msgpack map without decoding it: each key and value as its own msgpack bytes.
#include <cstdint>
#include <string_view>

#include "core/event_batch.hpp"

namespace shipper {

// Reads a map header at the start of `bytes`; on success sets `count` and `header_len`.
inline bool read_map_header(std::string_view bytes, uint32_t& count, size_t& header_len) {
  if (bytes.empty()) return false;
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])); };
  uint32_t t = b(0);
  if ((t & 0xf0) == 0x80) {
    count = t & 0x0f;
    header_len = 1;
    return true;
  }
  if (t == 0xde && bytes.size() >= 3) {
    count = b(1) << 8 | b(2);
    header_len = 3;
    return true;
  }
  if (t == 0xdf && bytes.size() >= 5) {
    count = b(1) << 24 | b(2) << 16 | b(3) << 8 | b(4);
    header_len = 5;
    return true;
  }
  return false;
}

// If `bytes` is a msgpack str (or bin), sets `out` to its contents.
inline bool read_msgpack_str(std::string_view bytes, std::string_view& out) {
  if (bytes.empty()) return false;
  auto b = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(bytes[i])); };
  size_t t = b(0), len = 0, hdr = 0;
  if ((t & 0xe0) == 0xa0) {
    len = t & 0x1f;
    hdr = 1;
  } else if ((t == 0xd9 || t == 0xc4) && bytes.size() >= 2) {
    len = b(1);
    hdr = 2;
  } else if ((t == 0xda || t == 0xc5) && bytes.size() >= 3) {
    len = b(1) << 8 | b(2);
    hdr = 3;
  } else if ((t == 0xdb || t == 0xc6) && bytes.size() >= 5) {
    len = b(1) << 24 | b(2) << 16 | b(3) << 8 | b(4);
    hdr = 5;
  } else {
    return false;
  }
  if (bytes.size() < hdr + len) return false;
  out = bytes.substr(hdr, len);
  return true;
}

// Calls f(key_bytes, value_bytes) for each entry in order; f returns false to stop early.
// Returns false when `map` is not a well-formed map.
template <class F>
bool for_each_map_entry(std::string_view map, F&& f) {
  uint32_t count = 0;
  size_t off = 0;
  if (!read_map_header(map, count, off)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    size_t klen = msgpack_object_length(map.substr(off));
    if (klen == 0) return false;
    size_t vlen = msgpack_object_length(map.substr(off + klen));
    if (vlen == 0) return false;
    if (!f(map.substr(off, klen), map.substr(off + klen, vlen))) return true;
    off += klen + vlen;
  }
  return true;
}

// The value bytes for string key `key`, or an empty view when absent.
inline std::string_view find_map_value(std::string_view map, std::string_view key) {
  std::string_view found;
  for_each_map_entry(map, [&](std::string_view k, std::string_view v) {
    std::string_view ks;
    if (read_msgpack_str(k, ks) && ks == key) {
      found = v;
      return false;
    }
    return true;
  });
  return found;
}

}  // namespace shipper
