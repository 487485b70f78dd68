#include "plugins/parser_json/flat_object.hpp"

#include <simdjson.h>

#include <bit>

#include "plugins/parser_json/byte_classes.hpp"

namespace shipper::parser_json {

bool FlatObject::scan(std::string_view text) {
  const size_t n = text.size();
  const char* const s = text.data();
  count_ = 0;
  if (n < 2 || s[0] != '{' || s[n - 1] != '}') return false;
  if (!classify_blocks(text)) return false;
  // Each key and value runs from a quote to the next unescaped one; between them only `:`, and
  // between fields only `,`. A quote right after `{`, `:` or `,` opens a string: those bytes
  // are outside every string.
  size_t p = 1;
  for (;;) {
    if (count_ == kMaxFields || s[p] != '"') return false;
    const size_t key_end = next_quote(p + 1);
    if (key_end + 2 >= n || s[key_end + 1] != ':' || s[key_end + 2] != '"') return false;
    if (any_backslash(p + 1, key_end)) return false;  // an escaped key
    const size_t body_begin = key_end + 3;
    const size_t body_end = next_quote(body_begin);
    if (body_end >= n) return false;
    FlatField& field = fields_[count_++];
    field.key = text.substr(p + 1, key_end - p - 1);
    field.body = text.substr(body_begin, body_end - body_begin);
    field.escaped = any_backslash(body_begin, body_end);
    if (body_end == n - 2) return true;  // the closing brace follows
    if (s[body_end + 1] != ',') return false;
    p = body_end + 2;
  }
}

// Fills blocks_; false on a byte below 0x20 or invalid UTF-8.
bool FlatObject::classify_blocks(std::string_view text) {
  const size_t n = text.size();
  block_count_ = (n + 63) / 64;
  if (blocks_.size() < block_count_ + 1) blocks_.resize(block_count_ + 1);
  LineBlocks reader;
  uint64_t carry = 0;
  for (size_t b = 0; b < block_count_; ++b) {
    const BlockMasks m = reader.next(text.data() + 64 * b, n - 64 * b);
    blocks_[b].backslashes = m.backslash;
    blocks_[b].quotes = m.quote & ~escaped_bytes(m.backslash, carry);
  }
  if (reader.has_control()) return false;
  if (reader.has_high() && !simdjson::validate_utf8(text.data(), n)) return false;
  // From the end: a block without a quote (or backslash) takes the next block's first.
  blocks_[block_count_].first_quote = blocks_[block_count_].first_backslash = 64 * block_count_;
  for (size_t b = block_count_; b-- > 0;) {
    Block& block = blocks_[b];
    const size_t quote_here = 64 * b + static_cast<size_t>(std::countr_zero(block.quotes));
    const size_t backslash_here = 64 * b + static_cast<size_t>(std::countr_zero(block.backslashes));
    block.first_quote = block.quotes != 0 ? quote_here : blocks_[b + 1].first_quote;
    block.first_backslash =
        block.backslashes != 0 ? backslash_here : blocks_[b + 1].first_backslash;
  }
  return true;
}

// The first unescaped quote at or after `from`; the text's length or more when there is none.
size_t FlatObject::next_quote(size_t from) const {
  const size_t b = from / 64;
  if (b >= block_count_) return from;
  const uint64_t rest = blocks_[b].quotes >> (from % 64);
  return rest != 0 ? from + static_cast<size_t>(std::countr_zero(rest))
                   : blocks_[b + 1].first_quote;
}

// Whether a backslash lies in [begin, end).
bool FlatObject::any_backslash(size_t begin, size_t end) const {
  if (begin >= end) return false;
  const size_t b = begin / 64;
  const uint64_t rest = blocks_[b].backslashes >> (begin % 64);
  const size_t first = rest != 0 ? begin + static_cast<size_t>(std::countr_zero(rest))
                                 : blocks_[b + 1].first_backslash;
  return first < end;
}

}  // namespace shipper::parser_json
