#include "io/forward/frame_writer.hpp"

#include <openssl/evp.h>

#include "core/msgpack_writer.hpp"

namespace shipper::forward {

void append_packed_forward_head(std::string& out, std::string_view tag, uint32_t entries_len) {
  MsgpackWriter w(out);
  w.array_header(3);
  w.str(tag);
  // Always str32, whatever the length, as out_forward writes it.
  const char head[5] = {'\xdb', static_cast<char>(entries_len >> 24),
                        static_cast<char>(entries_len >> 16), static_cast<char>(entries_len >> 8),
                        static_cast<char>(entries_len)};
  out.append(head, 5);
}

void append_forward_options(std::string& out, uint64_t size, std::string_view compressed,
                            std::string_view chunk_token) {
  MsgpackWriter w(out);
  w.map_header(chunk_token.empty() ? 2 : 3);
  w.str("size");
  w.uinteger(size);
  w.str("compressed");
  w.str(compressed);
  if (!chunk_token.empty()) {
    w.str("chunk");
    w.str(chunk_token);
  }
}

std::string ack_token(std::string_view id) {
  std::string out(4 * ((id.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(id.data()),
                          static_cast<int>(id.size()));
  out.resize(static_cast<size_t>(n));
  out.push_back('\n');
  return out;
}

void append_ack(std::string& out, std::string_view chunk_raw) {
  out.append(
      "\x81\xa3"
      "ack",
      5);
  out.append(chunk_raw.data(), chunk_raw.size());
}

}  // namespace shipper::forward
