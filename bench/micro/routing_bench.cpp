// Routing: the cost the engine adds per event stream (cached route lookup, filter chain walk,
// hand-off to the output), and writing events into an EventBatch.
#include <benchmark/benchmark.h>

#include "config/loader.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace {

using namespace shipper;

// An output that only counts, so the figures are the router's own cost.
class CountingOutput : public Output {
 public:
  struct Params {
    static void describe(config::Schema<Params>&) {}
  };
  CountingOutput(Params, PluginContext&) {}
  Status emit(const EventBatch& b) override {
    events += b.count;
    return Status::ok();
  }
  uint64_t events = 0;
};

class PassFilter : public Filter {
 public:
  struct Params {
    static void describe(config::Schema<Params>&) {}
  };
  PassFilter(Params, PluginContext&) {}
  Outcome filter(const EventBatch&, EventBatch&) override { return Outcome::kUnchanged; }
};

const Registry& bench_registry() {
  static Registry* r = [] {
    auto* reg = new Registry();
    reg->add<CountingOutput>(config::PluginKind::kOutput, "count", "bench");
    reg->add<PassFilter>(config::PluginKind::kFilter, "pass", "bench");
    return reg;
  }();
  return *r;
}

// Ten rules before the match that takes the tag, two filters on the way.
const char* kConfig = R"(
<filter kube.**>
  @type pass
</filter>
<match a.** b.** c.**>
  @type count
</match>
<match {d,e,f}.*.x>
  @type count
</match>
<match /g\.[0-9]+/>
  @type count
</match>
<filter **>
  @type pass
</filter>
<match h.** i.** j.**>
  @type count
</match>
<match kube.var.log.containers.**>
  @type count
</match>
<match **>
  @type count
</match>
)";

struct BenchPipeline {
  config::Element root;
  SystemSettings settings;
  std::unique_ptr<Pipeline> pipeline;
  BenchPipeline() {
    LogSink::instance().set_level(LogLevel::kError);  // keep the figures readable
    config::Diagnostics diags;
    root = config::parse_text(kConfig, "bench.conf", ".", diags);
    PipelineOptions o;
    o.registry = &bench_registry();
    o.system = &settings;
    o.log_adding = false;
    pipeline = Pipeline::build(root, o, diags);
  }
};

EventBatch make_batch(const std::string& tag, int events) {
  EventBatch b;
  b.tag = tag;
  for (int i = 0; i < events; ++i) {
    b.begin_entry(EventTime{1700000000, static_cast<uint32_t>(i)});
    MsgpackWriter w(b.entries);
    w.map_header(2);
    w.str("log");
    w.str("I0601 10:00:00.123456       1 server.go:42] Version: v1.27.3");
    w.str("stream");
    w.str("stderr");
    b.commit_entry();
  }
  return b;
}

// One emit of a batch whose route is cached; the figure is per batch.
void BM_RouteCachedBatch(benchmark::State& state) {
  BenchPipeline bp;
  EventBatch batch =
      make_batch("kube.var.log.containers.app-123_ns_c-abc.log", static_cast<int>(state.range(0)));
  Router& router = bp.pipeline->root_router();
  for (auto _ : state) benchmark::DoNotOptimize(router.emit(batch));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RouteCachedBatch)->Arg(1)->Arg(64)->Arg(1024);

// The cached lookup alone, cycling over 100 distinct tags (all within the 1024-entry cache).
void BM_RouteLookupCached(benchmark::State& state) {
  BenchPipeline bp;
  std::vector<std::string> tags;
  for (int i = 0; i < 100; ++i) tags.push_back("kube.var.log.containers.pod-" + std::to_string(i));
  Router& router = bp.pipeline->root_router();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.output_for(tags[i]));
    i = (i + 1) % tags.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteLookupCached);

// A route computed from scratch (pattern matching over every rule): what a cache miss costs.
void BM_RouteLookupUncached(benchmark::State& state) {
  BenchPipeline bp;
  Router& router = bp.pipeline->root_router();
  uint64_t n = 0;
  for (auto _ : state) {
    // More distinct tags than the cache holds, so every lookup misses.
    std::string tag = "kube.var.log.containers.pod-" + std::to_string(n++ % 5000);
    benchmark::DoNotOptimize(router.output_for(tag));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RouteLookupUncached);

// Writing events into an EventBatch (time + a two-key record), per event.
void BM_EventBatchWrite(benchmark::State& state) {
  EventBatch b;
  b.tag = "bench";
  b.entries.reserve(1 << 20);
  for (auto _ : state) {
    if (b.entries.size() > (1 << 20) - 256) b.clear();
    b.begin_entry(EventTime{1700000000, 1});
    MsgpackWriter w(b.entries);
    w.map_header(2);
    w.str("log");
    w.str("I0601 10:00:00.123456       1 server.go:42] Version: v1.27.3");
    w.str("stream");
    w.str("stderr");
    b.commit_entry();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 90);
}
BENCHMARK(BM_EventBatchWrite);

}  // namespace
