#include "buffer/chunk.hpp"

#include <sys/time.h>

#include <random>

#include "buffer/compression.hpp"

namespace shipper::buffer {

static uint64_t random64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

ChunkId generate_chunk_id(uint64_t now_us) {
  uint64_t head = (now_us << 12) | (random64() & 0xfff);
  uint64_t tail = random64();
  ChunkId id{};
  for (int i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(head >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) id[8 + i] = static_cast<uint8_t>(tail >> (56 - 8 * i));
  return id;
}

ChunkId generate_chunk_id() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return generate_chunk_id(static_cast<uint64_t>(tv.tv_sec) * 1000000ull +
                           static_cast<uint64_t>(tv.tv_usec));
}

std::string chunk_id_hex(const ChunkId& id) {
  static const char* digits = "0123456789abcdef";
  std::string s(32, '0');
  for (size_t i = 0; i < 16; ++i) {
    s[2 * i] = digits[id[i] >> 4];
    s[2 * i + 1] = digits[id[i] & 0xf];
  }
  return s;
}

std::optional<ChunkId> chunk_id_from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  ChunkId id{};
  for (size_t i = 0; i < 16; ++i) {
    int hi = val(hex[2 * i]), lo = val(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return id;
}

std::string_view chunk_id_bytes(const ChunkId& id) {
  return {reinterpret_cast<const char*>(id.data()), id.size()};
}

Status Chunk::read_range(uint64_t offset, size_t length, std::string& out) const {
  std::string whole;
  std::string_view bytes;
  if (auto view = raw_view()) {
    bytes = *view;
  } else {
    Status st = read_raw(whole);
    if (!st) return st;
    bytes = whole;
  }
  if (offset < bytes.size()) out.append(bytes.substr(offset, length));
  return Status::ok();
}

Status Chunk::read(std::string& out) const {
  if (compression_ == Compression::kText) return read_raw(out);
  std::string raw;
  Status st = read_raw(raw);
  if (!st) return st;
  return decompress_append(compression_, raw, out, decompression_limit_);
}

}  // namespace shipper::buffer
