#pragma once
// Docker's json-file driver cuts lines longer than 16 KiB into several entries; every entry but
// the last has a `log` value that does not end with "\n". This finds the `log` value's escaped
// body in a line, so in_tail can join the bodies of consecutive pieces into the last one (the
// escaped texts concatenate into the escaped whole).
#include <string_view>

#include "engine/plugin.hpp"

namespace shipper::parser_json {

inline bool describe_docker_piece(std::string_view line, Parser::LinePiece& piece) {
  static constexpr std::string_view kKey = "\"log\":\"";
  size_t start = line.find(kKey);
  if (start == std::string_view::npos) return false;
  start += kKey.size();
  size_t i = start;
  while (i < line.size()) {
    char c = line[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') break;
    ++i;
  }
  if (i >= line.size()) return false;
  piece.content_begin = start;
  piece.content_end = i;
  // Ends with the escape \n when the final "n" follows an odd run of backslashes.
  bool ends_with_newline = false;
  if (i - start >= 2 && line[i - 1] == 'n') {
    size_t backslashes = 0;
    for (size_t k = i - 1; k > start && line[k - 1] == '\\'; --k) ++backslashes;
    ends_with_newline = backslashes % 2 == 1;
  }
  piece.partial = !ends_with_newline;
  return true;
}

}  // namespace shipper::parser_json
