#include "io/forward/compression.hpp"

#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace shipper::forward {

Status gunzip_all(std::string_view in, uint64_t limit, std::string& out) {
  z_stream zs{};
  // 16 + MAX_WBITS: gzip wrapper only.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
    return error(StatusCode::kInternal, "inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  const size_t start = out.size();
  char buf[64 * 1024];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof(buf) - zs.avail_out;
    if (out.size() - start + produced > limit)
      return error(StatusCode::kInvalidArgument,
                   "decompressed size exceeds decompression_size_limit " + std::to_string(limit));
    out.append(buf, produced);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) return Status::ok();
      // Another member follows: restart the inflater on the remaining bytes.
      if (inflateReset(&zs) != Z_OK) return error(StatusCode::kCorrupt, "inflateReset failed");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0)
      return error(StatusCode::kCorrupt, "truncated gzip stream");
    return error(StatusCode::kCorrupt,
                 std::string("invalid gzip data: ") + (zs.msg ? zs.msg : "inflate error"));
  }
}

Status unzstd_all(std::string_view in, uint64_t limit, std::string& out) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return error(StatusCode::kInternal, "ZSTD_createDCtx failed");
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  const size_t start = out.size();
  char buf[64 * 1024];
  size_t last = 0;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    if (ZSTD_isError(last))
      return error(StatusCode::kCorrupt,
                   std::string("invalid zstd data: ") + ZSTD_getErrorName(last));
    if (out.size() - start + output.pos > limit)
      return error(StatusCode::kInvalidArgument,
                   "decompressed size exceeds decompression_size_limit " + std::to_string(limit));
    out.append(buf, output.pos);
    if (output.pos == 0 && last != 0 && input.pos == input.size) break;
  }
  // Drain what the decoder still holds.
  while (last != 0) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    last = ZSTD_decompressStream(ctx.get(), &output, &input);
    if (ZSTD_isError(last))
      return error(StatusCode::kCorrupt,
                   std::string("invalid zstd data: ") + ZSTD_getErrorName(last));
    if (output.pos == 0) break;
    if (out.size() - start + output.pos > limit)
      return error(StatusCode::kInvalidArgument,
                   "decompressed size exceeds decompression_size_limit " + std::to_string(limit));
    out.append(buf, output.pos);
  }
  if (last != 0) return error(StatusCode::kCorrupt, "truncated zstd stream");
  return Status::ok();
}

Status gzip_member(std::string_view in, std::string& out, int level, int64_t mtime) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return error(StatusCode::kInternal, "deflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  gz_header header{};
  header.time = static_cast<uLong>(mtime < 0 ? time(nullptr) : mtime);
  header.os = 3;
  deflateSetHeader(&zs, &header);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  const size_t start = out.size();
  out.resize(start + deflateBound(&zs, in.size()) + 32);
  zs.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  zs.avail_out = static_cast<uInt>(out.size() - start);
  int rc = deflate(&zs, Z_FINISH);
  if (rc != Z_STREAM_END) {
    out.resize(start);
    return error(StatusCode::kInternal, "deflate failed");
  }
  out.resize(start + zs.total_out);
  return Status::ok();
}

}  // namespace shipper::forward
