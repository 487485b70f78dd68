#pragma once
// A JSON string value unescaped straight into a record's msgpack. Log lines are strings with
// escapes (docker's `log` ends in `\n`, and quotes inside are `\"`); simdjson's get_string
// would unescape them into the parser's own buffer and the writer would then copy them again.
// Here simdjson's unescaper writes into the record, behind a header sized for the escaped
// length, which the unescaped length can only undercut.
#include <simdjson.h>

#include <cstring>
#include <string_view>

#include "core/msgpack_writer.hpp"

namespace shipper::parser_json {

// The room unescaped_str_at() may write into for a body of `escaped_size` bytes: the header,
// the body, and the unescaper's whole-block overrun.
inline size_t unescaped_str_room(size_t escaped_size) {
  return MsgpackWriter::kMaxStrHeader + escaped_size + simdjson::SIMDJSON_PADDING;
}

// `body` is the text between a string's quotes, as stage 1 (or FlatObject) delimited it: it ends
// just before the closing quote. Writes the unescaped string as a msgpack str at `at`, which has
// unescaped_str_room(body.size()) bytes; returns the bytes written, 0 when simdjson rejects an
// escape.
inline size_t unescaped_str_at(const simdjson::ondemand::parser& parser, std::string_view body,
                               char* at) {
  char head_bytes[MsgpackWriter::kMaxStrHeader];
  const size_t head = MsgpackWriter::encode_str_header(body.size(), head_bytes);
  auto* const dst_begin = reinterpret_cast<uint8_t*>(at + head);
  uint8_t* dst = dst_begin;
  std::string_view unescaped;
  simdjson::ondemand::raw_json_string raw(reinterpret_cast<const uint8_t*>(body.data()));
  if (parser.unescape(raw, dst).get(unescaped) != simdjson::SUCCESS) return 0;
  const size_t n = unescaped.size();
  const size_t real_head = MsgpackWriter::encode_str_header(n, head_bytes);
  if (real_head != head)  // the escapes took the length below a header boundary
    std::memmove(at + real_head, dst_begin, n);
  std::memcpy(at, head_bytes, real_head);
  return real_head + n;
}

// The same, appended to a writer; false, with the writer as it was, on a rejected escape.
inline bool write_unescaped_string(const simdjson::ondemand::parser& parser, std::string_view body,
                                   MsgpackWriter& w) {
  std::string& out = w.buffer();
  const size_t start = out.size();
  out.resize(start + unescaped_str_room(body.size()));
  const size_t written = unescaped_str_at(parser, body, out.data() + start);
  out.resize(written == 0 ? start : start + written);
  return written != 0;
}

}  // namespace shipper::parser_json
