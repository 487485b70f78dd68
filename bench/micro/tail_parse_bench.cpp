// in_tail → json parse (nanosecond time) → EventBatch on one core.
//   BM_JsonParseToBatch: lines already in memory, parsed into batches (the parser alone).
//   BM_TailFileToBatches: the real in_tail over a file of docker json-file lines, emitting to a
//     router that only counts (file reading, line cutting, parsing, batching, pos file).
//   BM_JsonParseInPlace: the parser over lines lying one after another in one buffer, as in_tail
//     hands them over: /1 parsed where they lie (parse_all_in_place), /0 copied first.
//   BM_FlatObjectScan: the json parser's scan of a compact object of strings alone (the quotes
//     and escapes of every block, then the fields), to set against simdjson's stage 1 below.
//   BM_Simdjson*: simdjson alone on the same lines, the floor under the parser: stage 1 only
//     (Line/0), stage 1 and a walk reading every key and string (Line/1), and the same walk
//     over the whole buffer as one document stream (StreamWalk, iterate_many).
// The lines come from a deterministic generator in the shape of bench/gen_docker_logs.py
// (~280 bytes a line, as design.md's performance anchors).
#include <benchmark/benchmark.h>
#include <simdjson.h>
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
#include "plugins/parser_json/flat_object.hpp"

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
  auto r = [engine = std::mt19937(1)]() mutable { return static_cast<unsigned>(engine()); };
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
               "status=200 userAgent=\\\"kube-controller-manager/v1.27.3 (linux/amd64) "
               "kubernetes/"
               "25b4e43\\\"\\n\",\"stream\":\"stderr\",\"time\":\"2020-06-01T10:00:%02u.%09uZ\"}",
               r() % 60, r() % 60, r() % 1000000, files[r() % 5], 20 + r() % 800, ns[r() % 4],
               1 + r() % 900, r() % 1000, static_cast<unsigned>(i / 1000 % 60), ns_part);
    } else {
      snprintf(buf, sizeof buf,
               "{\"log\":\"[INFO] 10.244.%u.%u:%u - %u \\\"A IN "
               "kubernetes.default.svc.cluster.local. udp 54 "
               "false 512\\\" NOERROR qr,aa,rd 106 "
               "0.000%06us upstream=10.96.0.10:53 server=coredns-5d78c9869d-x7k2p and more text "
               "to the length of real "
               "lines\\n\",\"stream\":\"stdout\",\"time\":\"2020-06-01T10:00:%02u.%09uZ\"}",
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

// The json parser as the benchmarks configure it (nanosecond time).
std::unique_ptr<Parser> make_json_parser() {
  static const config::Element e = parse_element();
  PluginContext ctx;
  ctx.kind = config::PluginKind::kParser;
  ctx.type = "json";
  ctx.element = &e;
  ctx.registry = &registry();
  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  return registry().create_as<Parser>(ctx, bind);
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
  auto parser = make_json_parser();
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

// The lines one after another in one buffer, newline-separated, padded for simdjson.
struct LineBuffer {
  std::string bytes;
  std::vector<std::string_view> lines;
  explicit LineBuffer(size_t n) {
    for (const auto& l : make_lines(n)) bytes += l + "\n";
    bytes.append(simdjson::SIMDJSON_PADDING, ' ');
    size_t p = 0;
    while (lines.size() < n) {
      size_t e = bytes.find('\n', p);
      lines.emplace_back(bytes.data() + p, e - p);
      p = e + 1;
    }
  }
  size_t readable_after(std::string_view l) const {
    return static_cast<size_t>(bytes.data() + bytes.size() - (l.data() + l.size()));
  }
};

void BM_JsonParseInPlace(benchmark::State& state) {
  LineBuffer buf(100000);
  auto parser = make_json_parser();
  struct Sink : Parser::Sink {
    EventBatch batch;
    MsgpackWriter writer{batch.entries};
    size_t mark = 0;
    MsgpackWriter& record_writer() override {
      mark = batch.begin_entry(EventTime{});
      return writer;
    }
    void on_result(const ParseResult& r, EventTime t) override {
      if (r.code != ParseResult::Code::kOk) return batch.rollback_entry(mark);
      encode_event_time_body(t, batch.entries.data() + mark + 3);
      batch.commit_entry();
    }
  } sink;
  size_t i = 0;
  for (auto _ : state) {
    if (sink.batch.count == 1000) sink.batch.clear();
    std::string_view line = buf.lines[i];
    // Arg 0: no readable bytes promised after the line, so the parser copies it first.
    parser->parse_all_in_place(line, state.range(0) ? buf.readable_after(line) : 0, sink);
    if (++i == buf.lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["line_bytes"] = static_cast<double>(buf.bytes.size()) / buf.lines.size();
}
BENCHMARK(BM_JsonParseInPlace)->Arg(0)->Arg(1);

void BM_FlatObjectScan(benchmark::State& state) {
  LineBuffer buf(100000);
  parser_json::FlatObject flat;
  size_t i = 0;
  for (auto _ : state) {
    if (!flat.scan(buf.lines[i])) {
      state.SkipWithError("a line is not a compact object of strings");
      break;
    }
    benchmark::DoNotOptimize(flat.fields().data());
    if (++i == buf.lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlatObjectScan);

// Reads every key and every string of an object the cheapest way simdjson offers.
size_t walk_object(simdjson::ondemand::object obj) {
  size_t sum = 0;
  for (auto field : obj) {
    std::string_view key, value;
    if (field.unescaped_key().get(key) == simdjson::SUCCESS) sum += key.size();
    if (field.value().get_string().get(value) == simdjson::SUCCESS) sum += value.size();
  }
  return sum;
}

// One iterate() per line: /0 stage 1 only, /1 stage 1 and the walk over every key and string.
void BM_SimdjsonLine(benchmark::State& state) {
  LineBuffer buf(100000);
  simdjson::ondemand::parser parser;
  const bool walk = state.range(0) != 0;
  size_t i = 0;
  for (auto _ : state) {
    std::string_view l = buf.lines[i];
    simdjson::ondemand::document doc;
    auto error = parser.iterate(l.data(), l.size(), l.size() + buf.readable_after(l)).get(doc);
    if (walk) {
      simdjson::ondemand::object obj;
      if (error || doc.get_object().get(obj)) {
        state.SkipWithError("simdjson rejected a line");
        break;
      }
      benchmark::DoNotOptimize(walk_object(obj));
    }
    benchmark::DoNotOptimize(error);
    if (++i == buf.lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimdjsonLine)->Arg(0)->Arg(1);

void BM_SimdjsonStreamWalk(benchmark::State& state) {
  LineBuffer buf(100000);
  simdjson::ondemand::parser parser;
  const size_t text = buf.bytes.size() - simdjson::SIMDJSON_PADDING;
  for (auto _ : state) {
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(buf.bytes.data(), text, 65536).get(stream)) {
      state.SkipWithError("iterate_many failed");
      break;
    }
    size_t docs = 0;
    for (auto doc : stream) {
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) break;
      benchmark::DoNotOptimize(walk_object(obj));
      ++docs;
    }
    if (docs != buf.lines.size()) state.SkipWithError("the stream stopped early");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * buf.lines.size()));
}
BENCHMARK(BM_SimdjsonStreamWalk)->Unit(benchmark::kMillisecond);

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
