#include "buffer/compression.hpp"

#include <zlib.h>
#include <zstd.h>

namespace shipper::buffer {

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kText:
      return "text";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
  }
  return "text";
}

bool parse_compression(std::string_view name, Compression& out) {
  if (name == "text")
    out = Compression::kText;
  else if (name == "gzip")
    out = Compression::kGzip;
  else if (name == "zstd")
    out = Compression::kZstd;
  else
    return false;
  return true;
}

static Status gzip_append(std::string_view data, std::string& out) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper, as Ruby's Zlib::GzipWriter writes.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return error(StatusCode::kInternal, "deflateInit2 failed");
  size_t start = out.size();
  out.resize(start + deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data() + start);
  zs.avail_out = static_cast<uInt>(out.size() - start);
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out.resize(start);
    return error(StatusCode::kInternal, "gzip compression failed");
  }
  out.resize(start + produced);
  return Status::ok();
}

static Status gunzip_append(std::string_view data, std::string& out, uint64_t limit) {
  size_t pos = 0;
  size_t base = out.size();
  char buf[64 * 1024];
  while (pos < data.size()) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
      return error(StatusCode::kInternal, "inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + pos));
    zs.avail_in = static_cast<uInt>(data.size() - pos);
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        inflateEnd(&zs);
        return error(StatusCode::kCorrupt, "broken gzip data in chunk");
      }
      out.append(buf, sizeof buf - zs.avail_out);
      if (out.size() - base > limit) {
        inflateEnd(&zs);
        return error(StatusCode::kCorrupt, "decompressed chunk exceeds decompression_size_limit");
      }
      if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
        inflateEnd(&zs);
        return error(StatusCode::kCorrupt, "truncated gzip member in chunk");
      }
    }
    pos += zs.total_in;
    inflateEnd(&zs);
  }
  return Status::ok();
}

Status compress_append(Compression c, std::string_view data, std::string& out) {
  switch (c) {
    case Compression::kText:
      out.append(data);
      return Status::ok();
    case Compression::kGzip:
      return gzip_append(data, out);
    case Compression::kZstd: {
      size_t start = out.size();
      out.resize(start + ZSTD_compressBound(data.size()));
      size_t n = ZSTD_compress(out.data() + start, out.size() - start, data.data(), data.size(), 3);
      if (ZSTD_isError(n)) {
        out.resize(start);
        return error(StatusCode::kInternal, "zstd compression failed");
      }
      out.resize(start + n);
      return Status::ok();
    }
  }
  return Status::ok();
}

Status decompress_append(Compression c, std::string_view data, std::string& out, uint64_t limit) {
  switch (c) {
    case Compression::kText:
      out.append(data);
      return Status::ok();
    case Compression::kGzip:
      return gunzip_append(data, out, limit);
    case Compression::kZstd: {
      ZSTD_DCtx* dctx = ZSTD_createDCtx();
      ZSTD_inBuffer in{data.data(), data.size(), 0};
      char buf[64 * 1024];
      size_t base = out.size();
      size_t last = 0;
      while (in.pos < in.size) {
        ZSTD_outBuffer o{buf, sizeof buf, 0};
        last = ZSTD_decompressStream(dctx, &o, &in);
        if (ZSTD_isError(last)) {
          ZSTD_freeDCtx(dctx);
          return error(StatusCode::kCorrupt, "broken zstd data in chunk");
        }
        out.append(buf, o.pos);
        if (out.size() - base > limit) {
          ZSTD_freeDCtx(dctx);
          return error(StatusCode::kCorrupt, "decompressed chunk exceeds decompression_size_limit");
        }
        if (o.pos == 0 && last != 0 && in.pos == in.size) break;
      }
      ZSTD_freeDCtx(dctx);
      if (last != 0) return error(StatusCode::kCorrupt, "truncated zstd frame in chunk");
      return Status::ok();
    }
  }
  return Status::ok();
}

}  // namespace shipper::buffer
