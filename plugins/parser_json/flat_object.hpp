#pragma once
// Docker's json-file lines, and most JSON log lines, are one compact object whose values are all
// strings: {"log":"…","stream":"stdout","time":"…"}. Such a line needs neither simdjson's
// structural index (stage 1) nor its walk: one pass over the bytes finds the quotes that no
// backslash escapes, and in a compact object of strings those quotes alone delimit every key and
// value. The same pass rejects what stage 1 would (raw control characters; a line with bytes
// beyond ASCII is checked by simdjson's UTF-8 validator). Values with escapes are unescaped by
// simdjson's own unescaper when the record is written. Anything else (blanks between tokens, a
// number, a nested value, an escaped key, more than kMaxFields fields) is left to the full
// parser, which also gives every error its message.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace shipper::parser_json {

struct FlatField {
  std::string_view key;
  std::string_view body;  // the value between its quotes, escapes as written
  bool escaped = false;   // the body has a backslash
};

class FlatObject {
 public:
  static constexpr size_t kMaxFields = 16;

  // Reads `text` as a compact object of string values; false when it is anything else. The 64
  // bytes after the text must be readable (simdjson's padding).
  bool scan(std::string_view text);

  std::span<const FlatField> fields() const { return {fields_.data(), count_}; }

 private:
  bool classify_blocks(std::string_view text);
  size_t next_quote(size_t from) const;
  bool any_backslash(size_t begin, size_t end) const;

  std::array<FlatField, kMaxFields> fields_{};
  size_t count_ = 0;
  // For each 64-byte block of the text (bit i = byte i): its quotes that no backslash escapes
  // and its backslashes, and where the first of each lies in this block or a later one (so a
  // search never loops over the blocks of a long value). blocks_ has one more entry, the end.
  struct Block {
    uint64_t quotes = 0;
    uint64_t backslashes = 0;
    size_t first_quote = 0;
    size_t first_backslash = 0;
  };
  std::vector<Block> blocks_;  // only grows: the text uses the first block_count_ + 1
  size_t block_count_ = 0;
};

}  // namespace shipper::parser_json
