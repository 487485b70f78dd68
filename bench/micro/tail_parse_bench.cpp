// in_tail → json parse (nanosecond time) → EventBatch on one core.
//   BM_JsonParseToBatch: lines already in memory, parsed into batches (the parser alone).
//   BM_TailFileToBatches: the real in_tail over a file of docker json-file lines, emitting to a
//     router that only counts (file reading, line cutting, parsing, batching, pos file).
// The lines come from a deterministic generator in the shape of bench/gen_docker_logs.py.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/registry.hpp"

namespace shipper {
void register_plugin_in_tail(Registry&);
void register_plugin_parser_json(Registry&);
}  // namespace shipper

namespace {

using namespace shipper;

// Only the two plugins measured here.
Registry& registry() {
  static Registry r = [] {
    Registry reg;
    register_plugin_in_tail(reg);
    register_plugin_parser_json(reg);
    return reg;
  }();
  return r;
}

std::vector<std::string> make_lines(size_t n) {
  std::mt19937 r(1);
  const char* files[] = {"server.go", "controller.go", "reflector.go", "trace.go", "event.go"};
  const char* ns[] = {"kube-system", "default", "monitoring", "payments"};
  std::vector<std::string> out;
  out.reserve(n);
  char buf[512];
  for (size_t i = 0; i < n; ++i) {
    unsigned ns_part = r() % 1000000000u;
    if (i % 2 == 0) {
      snprintf(buf, sizeof buf,
               "{\"log\":\"I0601 10:%02u:%02u.%06u       1 %s:%u] \\\"GET "
               "/api/v1/namespaces/%s/pods?limit=500\\\" "
               "latency=\\\"%u.%03ums\\\" "
               "status=200\\n\",\"stream\":\"stderr\",\"time\":\"2020-06-01T10:00:%02u.%09uZ\"}",
               r() % 60, r() % 60, r() % 1000000, files[r() % 5], 20 + r() % 800, ns[r() % 4],
               1 + r() % 900, r() % 1000, static_cast<unsigned>(i / 1000 % 60), ns_part);
    } else {
      snprintf(buf, sizeof buf,
               "{\"log\":\"[INFO] 10.244.%u.%u:%u - %u \\\"A IN "
               "kubernetes.default.svc.cluster.local. udp 54 "
               "false 512\\\" NOERROR qr,aa,rd 106 "
               "0.000%06us\\n\",\"stream\":\"stdout\",\"time\":\"2020-06-01T10:00:%02u.%09uZ\"}",
               r() % 256, r() % 256, 1024 + r() % 60000, r() % 65536, r() % 1000000,
               static_cast<unsigned>(i / 1000 % 60), ns_part);
    }
    out.emplace_back(buf);
  }
  return out;
}

config::Element parse_element() {
  config::Element e;
  e.name = "parse";
  auto add = [&](const char* k, const char* v) {
    config::Param p;
    p.key = k;
    p.value = v;
    e.params.push_back(p);
  };
  add("@type", "json");
  add("time_key", "time");
  add("time_type", "string");
  add("time_format", "%Y-%m-%dT%H:%M:%S.%N%z");
  return e;
}

struct CountingRouter : EventRouter {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t events = 0;
  Status emit(EventBatch& batch) override {
    std::lock_guard<std::mutex> lock(mu);
    events += batch.count;
    cv.notify_all();
    return Status::ok();
  }
  void wait_for(uint64_t n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return events >= n; });
  }
};

void BM_JsonParseToBatch(benchmark::State& state) {
  auto lines = make_lines(100000);
  config::Element e = parse_element();
  PluginContext ctx;
  ctx.kind = config::PluginKind::kParser;
  ctx.type = "json";
  ctx.element = &e;
  ctx.registry = &registry();
  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  auto parser = registry().create_as<Parser>(ctx, bind);
  EventBatch batch;
  MsgpackWriter w(batch.entries);
  size_t i = 0;
  for (auto _ : state) {
    if (batch.count == 1000) batch.clear();
    size_t mark = batch.begin_entry(EventTime{});
    EventTime t;
    ParseResult r = parser->parse(lines[i], t, w);
    if (r.code == ParseResult::Code::kOk) {
      encode_event_time_body(t, batch.entries.data() + mark + 3);
      batch.commit_entry();
    } else {
      batch.rollback_entry(mark);
    }
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonParseToBatch);

void BM_TailFileToBatches(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  char dir_template[] = "/tmp/tail_bench_XXXXXX";
  std::string dir = mkdtemp(dir_template);
  std::string path = dir + "/app.log";
  {
    std::ofstream f(path, std::ios::binary);
    for (const auto& l : make_lines(n)) f << l << '\n';
  }
  config::Element parse = parse_element();
  config::Element source;
  source.name = "source";
  auto add = [&](const char* k, std::string v) {
    config::Param p;
    p.key = k;
    p.value = std::move(v);
    source.params.push_back(p);
  };
  add("@type", "tail");
  add("path", path);
  add("pos_file", dir + "/bench.pos");
  add("tag", "kubernetes.*");
  add("read_from_head", "true");
  source.children.push_back(parse);
  for (auto _ : state) {
    ::unlink((dir + "/bench.pos").c_str());
    CountingRouter router;
    PluginContext ctx;
    ctx.kind = config::PluginKind::kInput;
    ctx.type = "tail";
    ctx.element = &source;
    ctx.registry = &registry();
    ctx.router = &router;
    config::Diagnostics diags;
    config::BindContext bind;
    bind.diags = &diags;
    auto input = registry().create_as<Input>(ctx, bind);
    if (!input || !input->start()) {
      state.SkipWithError("in_tail did not start");
      break;
    }
    router.wait_for(n);
    input->stop();
    input->close();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  ::unlink((dir + "/bench.pos").c_str());
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}
BENCHMARK(BM_TailFileToBatches)
    ->Arg(200000)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
