#pragma once
// What FlatObject needs of a line's bytes: for each 64-byte block, its quotes and backslashes as
// bit masks (bit i = byte i), and for the whole line whether any byte is below 0x20 and whether
// any has the high bit set. SSE2 is part of every x86-64 CPU, so the x86 build always looks at 16
// bytes per instruction; other CPUs take the byte loop, which the tests also check the SSE2 code
// against.
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace shipper::parser_json {

struct BlockMasks {
  uint64_t quote = 0;
  uint64_t backslash = 0;
};

// The bytes of a block that a backslash escapes: those right after an odd run of
// backslashes. `carry` is 1 when the previous block ended in an odd run; it is updated for the
// next block. Arithmetic instead of a walk over the runs (Langdale and Lemire, "Parsing
// gigabytes of JSON per second"): adding a run's first bit carries through the run to the byte
// after it, and a run is odd when that byte's position and the first bit's differ in parity.
// A run that continues from the previous block counts as starting at an odd position when
// the part already seen was odd.
inline uint64_t escaped_bytes(uint64_t backslash, uint64_t& carry) {
  constexpr uint64_t kEven = 0x5555555555555555ULL;
  constexpr uint64_t kOdd = ~kEven;
  const uint64_t starts = backslash & ~(backslash << 1);
  const uint64_t even_class = kEven ^ carry;
  const uint64_t even_ends = (backslash + (starts & even_class)) & ~backslash;
  uint64_t odd_sums;
  const bool odd_run_leaves = __builtin_add_overflow(backslash, starts & ~even_class, &odd_sums);
  const uint64_t odd_ends = (odd_sums | carry) & ~backslash;
  carry = odd_run_leaves ? 1 : 0;
  return (even_ends & kOdd) | (odd_ends & kEven);
}

// Reads a text block by block; every block's 64 bytes must be readable, even past the text.
class BytewiseBlocks {
 public:
  // The block at `block`, of which the first `count` (at most 64) belong to the text.
  BlockMasks next(const char* block, size_t count) {
    BlockMasks m;
    for (size_t i = 0; i < count && i < 64; ++i) {
      const auto byte = static_cast<unsigned char>(block[i]);
      if (byte == '"') m.quote |= uint64_t{1} << i;
      if (byte == '\\') m.backslash |= uint64_t{1} << i;
      least_ = byte < least_ ? byte : least_;
      bits_ |= byte;
    }
    return m;
  }
  // Whether a byte of the text so far is below 0x20, or is 0x80 and above.
  bool has_control() const { return least_ < 0x20; }
  bool has_high() const { return bits_ >= 0x80; }

 private:
  unsigned char least_ = 0xff;
  unsigned char bits_ = 0;
};

#if defined(__SSE2__)
class Sse2Blocks {
 public:
  BlockMasks next(const char* block, size_t count) {
    const auto* at = reinterpret_cast<const __m128i*>(block);
    const __m128i b0 = _mm_loadu_si128(at), b1 = _mm_loadu_si128(at + 1);
    const __m128i b2 = _mm_loadu_si128(at + 2), b3 = _mm_loadu_si128(at + 3);
    uint64_t keep = ~uint64_t{0};
    if (count < 64) {
      // Bytes past the text become 0xff for the minimum and 0 for the OR (they are blanks or
      // the next line's bytes), and are dropped from the masks.
      const auto* in_text = reinterpret_cast<const __m128i*>(kInText + 64 - count);
      const __m128i m0 = _mm_loadu_si128(in_text), m1 = _mm_loadu_si128(in_text + 1);
      const __m128i m2 = _mm_loadu_si128(in_text + 2), m3 = _mm_loadu_si128(in_text + 3);
      least_ = _mm_min_epu8(
          least_, _mm_min_epu8(_mm_min_epu8(_mm_or_si128(b0, ~m0), _mm_or_si128(b1, ~m1)),
                               _mm_min_epu8(_mm_or_si128(b2, ~m2), _mm_or_si128(b3, ~m3))));
      bits_ = _mm_or_si128(
          bits_, _mm_or_si128(_mm_or_si128(b0 & m0, b1 & m1), _mm_or_si128(b2 & m2, b3 & m3)));
      keep = (uint64_t{1} << count) - 1;
    } else {
      least_ = _mm_min_epu8(least_, _mm_min_epu8(_mm_min_epu8(b0, b1), _mm_min_epu8(b2, b3)));
      bits_ = _mm_or_si128(bits_, _mm_or_si128(_mm_or_si128(b0, b1), _mm_or_si128(b2, b3)));
    }
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    BlockMasks m;
    m.quote = mask(_mm_cmpeq_epi8(b0, quote), _mm_cmpeq_epi8(b1, quote), _mm_cmpeq_epi8(b2, quote),
                   _mm_cmpeq_epi8(b3, quote)) &
              keep;
    m.backslash = mask(_mm_cmpeq_epi8(b0, backslash), _mm_cmpeq_epi8(b1, backslash),
                       _mm_cmpeq_epi8(b2, backslash), _mm_cmpeq_epi8(b3, backslash)) &
                  keep;
    return m;
  }
  bool has_control() const {
    // Some byte is at most 0x1f where min(least, 0x1f) equals least.
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(least_, _mm_set1_epi8(0x1f)), least_);
    return _mm_movemask_epi8(low) != 0;
  }
  bool has_high() const { return _mm_movemask_epi8(bits_) != 0; }

 private:
  static uint64_t mask(__m128i m0, __m128i m1, __m128i m2, __m128i m3) {
    const auto bits = [](__m128i m) {
      return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(m)));
    };
    return bits(m0) | bits(m1) << 16 | bits(m2) << 32 | bits(m3) << 48;
  }
  // 64 bytes of 0xff then 64 of 0: read from 64 - count, the first `count` bytes are 0xff.
  alignas(64) static constexpr unsigned char kInText[128] = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  __m128i least_ = _mm_set1_epi8(static_cast<char>(0xff));
  __m128i bits_ = _mm_setzero_si128();
};
using LineBlocks = Sse2Blocks;
#else
using LineBlocks = BytewiseBlocks;
#endif

}  // namespace shipper::parser_json
