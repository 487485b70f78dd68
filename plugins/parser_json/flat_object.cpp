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

// Fills quotes_ and backslashes_; false on a byte below 0x20 or invalid UTF-8.
bool FlatObject::classify_blocks(std::string_view text) {
  const size_t n = text.size();
  blocks_ = (n + 63) / 64;
  if (quotes_.size() < blocks_) {
    quotes_.resize(blocks_);
    backslashes_.resize(blocks_);
  }
  LineBlocks reader;
  uint64_t carry = 0;
  for (size_t b = 0; b < blocks_; ++b) {
    const BlockMasks m = reader.next(text.data() + 64 * b, n - 64 * b);
    backslashes_[b] = m.backslash;
    quotes_[b] = m.quote & ~escaped_bytes(m.backslash, carry);
  }
  if (reader.has_control()) return false;
  return !reader.has_high() || simdjson::validate_utf8(text.data(), n);
}

// The first unescaped quote at or after `from`; the text's length (or more) when there is none.
size_t FlatObject::next_quote(size_t from) const {
  size_t block = from / 64;
  if (block >= blocks_) return from;
  uint64_t m = quotes_[block] & (~uint64_t{0} << (from % 64));
  while (m == 0) {
    if (++block == blocks_) return 64 * block;
    m = quotes_[block];
  }
  return 64 * block + static_cast<size_t>(std::countr_zero(m));
}

// Whether a backslash lies in [begin, end).
bool FlatObject::any_backslash(size_t begin, size_t end) const {
  if (begin >= end) return false;
  const size_t first = begin / 64, last = (end - 1) / 64;
  for (size_t b = first; b <= last; ++b) {
    uint64_t m = backslashes_[b];
    if (b == first) m &= ~uint64_t{0} << (begin % 64);
    if (b == last && (end - 1) % 64 != 63) m &= (uint64_t{2} << ((end - 1) % 64)) - 1;
    if (m != 0) return true;
  }
  return false;
}

}  // namespace shipper::parser_json
