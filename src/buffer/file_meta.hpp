#pragma once
// The `.meta` file of a file-buffer chunk, byte-compatible with Fluentd:
//   C1 00 | u32 BE length | msgpack map {timekey, tag, variables, seq, id (bin 16), s, c, m}
// Legacy meta files without the C1 00 header (the whole file is the map) are read too.
#include <string>
#include <string_view>

#include "buffer/chunk.hpp"
#include "core/status.hpp"

namespace shipper::buffer {

struct ChunkMeta {
  ChunkMetadata metadata;
  ChunkId id{};
  uint32_t records = 0;  // s
  int64_t created = 0;   // c
  int64_t modified = 0;  // m
};

std::string encode_chunk_meta(const ChunkMeta& meta);
// kCorrupt when the bytes are not a valid meta (no id, c or m not > 0, bad msgpack).
Result<ChunkMeta> decode_chunk_meta(std::string_view bytes);

}  // namespace shipper::buffer
