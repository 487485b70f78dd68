#pragma once
// Payload codecs of CompressedPackedForward: gzip (possibly several members back to back, one
// per buffer write, spec trap 3) and zstd (several frames), both bounded by a size limit.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace shipper::forward {

// Appends the decompressed bytes of every gzip member in `in` to `out`. Fails (kCorrupt) on a
// damaged stream and (kInvalidArgument) when the output would exceed `limit` bytes.
Status gunzip_all(std::string_view in, uint64_t limit, std::string& out);
// Appends the decompressed bytes of every zstd frame in `in` to `out`, bounded by `limit`.
Status unzstd_all(std::string_view in, uint64_t limit, std::string& out);
// Appends one gzip member holding `in` to `out` (header: mtime now, OS 3 = Unix, as Ruby's
// Zlib::GzipWriter writes it). `mtime` < 0 means now.
Status gzip_member(std::string_view in, std::string& out, int level = 6, int64_t mtime = -1);

}  // namespace shipper::forward
