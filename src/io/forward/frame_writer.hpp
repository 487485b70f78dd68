#pragma once
// Encoding what out_forward sends and in_forward answers, byte for byte as Fluentd does
// (spec §1.4, §1.5, §1.9, §6):
//   93 | tag (str) | db <u32 BE length> <entries> | {"size": N, "compressed":
//   "text"|"gzip"|"zstd"[, "chunk": token]} ack: 81 a3 "ack" <the chunk value exactly as received>
#include <cstdint>
#include <string>
#include <string_view>

namespace shipper::forward {

// `93`, the tag as msgpack str, then the str32 header for `entries_len` bytes of entries. The
// caller sends the entries next and then the option map.
void append_packed_forward_head(std::string& out, std::string_view tag, uint32_t entries_len);
// The option map in out_forward's key order: size, compressed, chunk (only when non-empty).
void append_forward_options(std::string& out, uint64_t size, std::string_view compressed,
                            std::string_view chunk_token);
// Base64 of the 16-byte chunk id plus "\n" (Ruby's Base64.encode64): 25 characters.
std::string ack_token(std::string_view chunk_id16);
// {"ack": value}, where `chunk_raw` is the msgpack encoding of the request's `chunk` value.
void append_ack(std::string& out, std::string_view chunk_raw);

}  // namespace shipper::forward
