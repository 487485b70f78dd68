#pragma once
// Buffer compression: each buffer write is compressed on its own into one gzip member or one zstd
// frame and appended, so a compressed chunk is a concatenation of members. Decompression keeps
// going after each member ends (a reader that stops at the first member loses events).
#include <string>
#include <string_view>

#include "buffer/chunk.hpp"
#include "core/status.hpp"

namespace shipper::buffer {

// Appends one compressed member/frame of `data` to `out`.
Status compress_append(Compression c, std::string_view data, std::string& out);
// Appends the decompressed content of all concatenated members/frames of `data` to `out`.
// Fails with kCorrupt on damaged input and when the result would exceed `limit` bytes.
Status decompress_append(Compression c, std::string_view data, std::string& out,
                         uint64_t limit = 256ull << 20);
bool parse_compression(std::string_view name, Compression& out);

}  // namespace shipper::buffer
