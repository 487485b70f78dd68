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

// `body` is the text between a string's quotes, as stage 1 delimited it (it ends just before
// the closing quote). Writes the unescaped string as a msgpack str; returns false, with the
// writer as it was, when simdjson rejects an escape.
inline bool write_unescaped_string(const simdjson::ondemand::parser& parser, std::string_view body,
                                   MsgpackWriter& w) {
  std::string& out = w.buffer();
  const size_t start = out.size();
  char head_bytes[MsgpackWriter::kMaxStrHeader];
  const size_t head = MsgpackWriter::encode_str_header(body.size(), head_bytes);
  // The unescaper writes whole blocks: it needs SIMDJSON_PADDING bytes beyond the body.
  out.resize(start + head + body.size() + simdjson::SIMDJSON_PADDING);
  auto* const dst_begin = reinterpret_cast<uint8_t*>(out.data() + start + head);
  uint8_t* dst = dst_begin;
  std::string_view unescaped;
  simdjson::ondemand::raw_json_string raw(reinterpret_cast<const uint8_t*>(body.data()));
  if (parser.unescape(raw, dst).get(unescaped) != simdjson::SUCCESS) {
    out.resize(start);
    return false;
  }
  const size_t n = unescaped.size();
  const size_t real_head = MsgpackWriter::encode_str_header(n, head_bytes);
  if (real_head != head)  // the escapes took the length below a header boundary
    std::memmove(out.data() + start + real_head, dst_begin, n);
  std::memcpy(out.data() + start, head_bytes, real_head);
  out.resize(start + real_head + n);
  return true;
}

}  // namespace shipper::parser_json
