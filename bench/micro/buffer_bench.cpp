// Append throughput of the file buffer: EventBatches of 1,000 docker-like records (~280 bytes)
// written through Buffer::write (split by chunk key `tag`, appended to the chunk file, meta
// rewritten per write), without and with gzip / zstd compression. Chunks are queued and purged
// as they fill so the disk footprint stays small.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "buffer/file_buffer.hpp"
#include "buffer/memory_buffer.hpp"
#include "core/msgpack_writer.hpp"

using namespace shipper;
using namespace shipper::buffer;

namespace {

EventBatch make_batch(int n) {
  EventBatch b;
  b.tag = "kubernetes.var.log.containers.app-7d9f_default_app-0123456789abcdef.log";
  for (int i = 0; i < n; ++i) {
    std::string rec;
    MsgpackWriter w(rec);
    w.map_header(3);
    w.str("log");
    w.str("2026-11-24T14:45:53.421363Z INFO request handled method=GET path=/api/v1/items/" +
          std::to_string(i) +
          " status=200 duration_ms=12 user=alice trace=4bf92f3577b34da6a3ce929d0e0e4736");
    w.str("stream");
    w.str("stdout");
    w.str("time");
    w.str("2026-11-24T14:45:53.421363012Z");
    b.append(EventTime{1795531553u + static_cast<uint32_t>(i / 100), static_cast<uint32_t>(i)},
             rec);
  }
  return b;
}

template <class B, class P>
void run(benchmark::State& state, P params) {
  char tmpl[] = "/tmp/shipper-buffer-bench-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  PluginContext ctx;
  ctx.id = "bench";
  if constexpr (std::is_same_v<P, FileBuffer::Params>) params.path = dir + "/buf";
  params.chunk_limit_size = config::ByteSize{8u << 20};
  B buf(params, ctx);
  if (!buf.start()) state.SkipWithError("start failed");
  EventBatch batch = make_batch(1000);
  auto keys = parse_chunk_keys({"tag"}, 0, true, std::nullopt).value();
  std::vector<MetaGroup> groups;
  split_batch(keys, batch, false, groups);
  int64_t events = 0;
  for (auto _ : state) {
    Status st = buf.write(groups, false, nullptr);
    if (!st) {
      state.SkipWithError(st.message().c_str());
      break;
    }
    events += batch.count;
    while (auto c = buf.dequeue()) buf.purge(c->unique_id());
  }
  state.SetItemsProcessed(events);
  state.SetBytesProcessed(events * static_cast<int64_t>(batch.entries.size() / batch.count));
  buf.enqueue_all();
  while (auto c = buf.dequeue()) buf.purge(c->unique_id());
  std::filesystem::remove_all(dir);
}

void BM_FileBufferAppend(benchmark::State& state) {
  FileBuffer::Params p;
  run<FileBuffer>(state, p);
}
void BM_FileBufferAppendGzip(benchmark::State& state) {
  FileBuffer::Params p;
  p.compress = "gzip";
  run<FileBuffer>(state, p);
}
void BM_FileBufferAppendZstd(benchmark::State& state) {
  FileBuffer::Params p;
  p.compress = "zstd";
  run<FileBuffer>(state, p);
}
void BM_MemoryBufferAppend(benchmark::State& state) {
  MemoryBuffer::Params p;
  run<MemoryBuffer>(state, p);
}

}  // namespace

BENCHMARK(BM_FileBufferAppend);
BENCHMARK(BM_FileBufferAppendGzip);
BENCHMARK(BM_FileBufferAppendZstd);
BENCHMARK(BM_MemoryBufferAppend);
