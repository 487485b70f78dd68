// Filters on the record path: record_transformer adding one static key (the seed config's
// `nodename`), adding a ${tag} key, overwriting a key (the general path), and grep.
//   cmake -S . -B build -DSHIPPER_BUILD_BENCH=ON && ninja -C build filter_bench &&
//   build/filter_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "config/element.hpp"
#include "core/event_batch.hpp"
#include "core/msgpack_writer.hpp"
#include "engine/registry.hpp"

namespace {

using namespace shipper;

config::Element element(std::string name, std::vector<std::pair<std::string, std::string>> params,
                        std::vector<config::Element> children = {}) {
  config::Element e;
  e.name = std::move(name);
  for (auto& [k, v] : params) {
    config::Param p;
    p.key = k;
    p.value = v;
    e.params.push_back(std::move(p));
  }
  e.children = std::move(children);
  return e;
}

// 1000 records shaped like the seed config's: a docker json-file line parsed, plus path_key.
EventBatch seed_batch() {
  EventBatch b;
  b.tag = "runtime-kube-apiserver";
  for (int i = 0; i < 1000; ++i) {
    size_t mark = b.begin_entry({1591005600u + i, 123456789});
    MsgpackWriter w(b.entries);
    w.map_header(3);
    w.str("log");
    w.str(
        "I0601 10:00:00.123456       1 server.go:42] Version: v1.27.3 request handled in 12ms "
        "path=/api/v1/namespaces/default/pods status=200 user=system:serviceaccount:x\n");
    w.str("stream");
    w.str("stderr");
    w.str("file_name");
    w.str(
        "/var/log/containers/kube-apiserver-node-1_kube-system_kube-apiserver-"
        "6a7e455cec00e563bf103888c1c45df0111192f5b9ca879337cad06c8ab60df3.log");
    (void)mark;
    b.commit_entry();
  }
  return b;
}

struct Fixture {
  std::unique_ptr<config::Element> elem;
  PluginContext ctx;
  std::unique_ptr<Filter> filter;
  Fixture(const std::string& type, config::Element e) {
    elem = std::make_unique<config::Element>(std::move(e));
    ctx.type = type;
    ctx.kind = config::PluginKind::kFilter;
    ctx.element = elem.get();
    ctx.registry = &Registry::builtin();
    config::Diagnostics diags;
    config::BindContext bind;
    bind.diags = &diags;
    auto p = Registry::builtin().create(ctx, bind);
    filter.reset(dynamic_cast<Filter*>(p.release()));
  }
};

void run(benchmark::State& state, Fixture& f) {
  if (!f.filter) {
    state.SkipWithError("filter did not build");
    return;
  }
  EventBatch in = seed_batch();
  EventBatch out;
  out.entries.reserve(in.entries.size() * 2);
  for (auto _ : state) {
    out.clear();
    f.filter->filter(in, out);
    benchmark::DoNotOptimize(out.entries.data());
  }
  state.SetItemsProcessed(state.iterations() * in.count);
  state.SetBytesProcessed(state.iterations() * in.entries.size());
}

void BM_RecordTransformerStaticKey(benchmark::State& state) {
  Fixture f("record_transformer",
            element("filter", {}, {element("record", {{"nodename", "node-1"}})}));
  run(state, f);
}
BENCHMARK(BM_RecordTransformerStaticKey);

void BM_RecordTransformerTagKey(benchmark::State& state) {
  Fixture f("record_transformer",
            element("filter", {}, {element("record", {{"tag_copy", "${tag}"}})}));
  run(state, f);
}
BENCHMARK(BM_RecordTransformerTagKey);

void BM_RecordTransformerOverwrite(benchmark::State& state) {
  Fixture f("record_transformer",
            element("filter", {}, {element("record", {{"stream", "${record[\"stream\"]}-x"}})}));
  run(state, f);
}
BENCHMARK(BM_RecordTransformerOverwrite);

void BM_GrepKeepAll(benchmark::State& state) {
  Fixture f("grep",
            element("filter", {}, {element("regexp", {{"key", "stream"}, {"pattern", "/^std/"}})}));
  run(state, f);
}
BENCHMARK(BM_GrepKeepAll);

}  // namespace
