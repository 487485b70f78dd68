// Routing through a real Pipeline built from config text, with small test plugins registered in
// a private registry: filter order, first match wins, labels, @ERROR, relabel, the route cache.
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "config/loader.hpp"
#include "core/msgpack_map.hpp"
#include "core/record_json.hpp"
#include "core/record_view.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace shipper::router_test {

// What each test output received: id → list of "tag {json}".
std::mutex g_mu;
std::map<std::string, std::vector<std::string>> g_received;

std::vector<std::string> received(const std::string& id) {
  std::lock_guard lock(g_mu);
  return g_received[id];
}

struct NoParams {
  static void describe(config::Schema<NoParams>&) {}
};

class Collect : public Output {
 public:
  using Params = NoParams;
  Collect(Params, PluginContext& ctx) : id_(ctx.id) {}
  Status emit(const EventBatch& batch) override {
    std::lock_guard lock(g_mu);
    EntryReader r(batch.entries);
    EntryView e;
    while (r.next(e)) {
      std::string json;
      append_msgpack_as_json(e.record, json);
      g_received[id_].push_back(batch.tag + " " + json);
    }
    return Status::ok();
  }

 private:
  std::string id_;
};

class Failing : public Output {
 public:
  using Params = NoParams;
  Failing(Params, PluginContext&) {}
  Status emit(const EventBatch&) override { return error(StatusCode::kUnavailable, "down"); }
};

struct MarkParams {
  std::string key;
  static void describe(config::Schema<MarkParams>& s) {
    s.param("key", &MarkParams::key).required();
  }
};

// How often each Mark filter (by key) ran on a batch.
std::map<std::string, int> g_filter_calls;

// Appends key: true to every record. As `mark` it offers producers to do that for it; as
// `mark_late` it does not.
class Mark : public Filter {
 public:
  using Params = MarkParams;
  Mark(Params p, PluginContext&) : key_(std::move(p.key)) {}
  bool appendix_for(std::string_view, MapAppendix& out) override {
    std::string yes;
    mp_write_bool(yes, true);
    out.add(key_, yes);
    return true;
  }
  Outcome filter(const EventBatch& in, EventBatch& out) override {
    {
      std::lock_guard lock(g_mu);
      ++g_filter_calls[key_];
    }
    EntryReader r(in.entries);
    EntryView e;
    while (r.next(e)) {
      uint32_t n = 0;
      size_t hdr = 0;
      read_map_header(e.record, n, hdr);
      out.begin_entry(e.time);
      MsgpackWriter w(out.entries);
      w.map_header(n + 1);
      w.raw(e.record.substr(hdr));
      w.str(key_);
      w.boolean(true);
      out.commit_entry();
    }
    return Outcome::kReplaced;
  }

 private:
  std::string key_;
};

class MarkLate : public Mark {
 public:
  using Mark::Mark;
  bool appendix_for(std::string_view, MapAppendix&) override { return false; }
};

class DropAll : public Filter {
 public:
  using Params = NoParams;
  DropAll(Params, PluginContext&) {}
  Outcome filter(const EventBatch&, EventBatch&) override { return Outcome::kReplaced; }
};

const Registry& test_registry() {
  static Registry* r = [] {
    auto* reg = new Registry();
    reg->add<Collect>(config::PluginKind::kOutput, "collect", "test");
    reg->add<Failing>(config::PluginKind::kOutput, "failing", "test");
    reg->add<Mark>(config::PluginKind::kFilter, "mark", "test");
    reg->add<MarkLate>(config::PluginKind::kFilter, "mark_late", "test");
    reg->add<DropAll>(config::PluginKind::kFilter, "drop", "test");
    // relabel and copy come from the built-in plugins
    for (const auto* info : Registry::builtin().all())
      if (info->name == "relabel" || info->name == "copy") reg->add_info(*info);
    return reg;
  }();
  return *r;
}

void reset_received() {
  std::lock_guard lock(g_mu);
  g_received.clear();
  g_filter_calls.clear();
}

struct Fixture {
  config::Element root;
  std::unique_ptr<Pipeline> pipeline;
  config::Diagnostics diags;
  SystemSettings settings;

  explicit Fixture(const std::string& text) {
    reset_received();
    root = config::parse_text(text, "test.conf", ".", diags);
    REQUIRE_FALSE(diags.has_errors());
    PipelineOptions o;
    o.registry = &test_registry();
    o.system = &settings;
    o.log_adding = false;
    pipeline = Pipeline::build(root, o, diags);
  }
  void emit(const std::string& tag, const std::string& message = "m") {
    EventBatch b;
    b.tag = tag;
    b.begin_entry(EventTime{1, 0});
    MsgpackWriter w(b.entries);
    w.map_header(1);
    w.str("message");
    w.str(message);
    b.commit_entry();
    REQUIRE(pipeline->root_router().emit(b).is_ok());
  }
};

}  // namespace shipper::router_test

using namespace shipper;
using namespace shipper::router_test;

TEST_CASE("first matching <match> wins; later ones never see the tag") {
  Fixture f(R"(
<match app.**>
  @type collect
  @id first
</match>
<match **>
  @type collect
  @id catch_all
</match>
<match app.web>
  @type collect
  @id shadowed
</match>
)");
  REQUIRE(f.pipeline);
  f.emit("app.web");
  f.emit("other");
  CHECK(received("first") == std::vector<std::string>{R"(app.web {"message":"m"})"});
  CHECK(received("catch_all") == std::vector<std::string>{R"(other {"message":"m"})"});
  CHECK(received("shadowed").empty());
}

TEST_CASE("filters run in file order, only those before the first matching <match>") {
  Fixture f(R"(
<filter app.**>
  @type mark
  key a
</filter>
<filter other.**>
  @type mark
  key not_me
</filter>
<filter **>
  @type mark
  key b
</filter>
<match app.**>
  @type collect
  @id out
</match>
<filter **>
  @type mark
  key too_late
</filter>
)");
  REQUIRE(f.pipeline);
  f.emit("app.x");
  CHECK(received("out") == std::vector<std::string>{R"(app.x {"message":"m","a":true,"b":true})"});
}

TEST_CASE("a filter that drops everything stops the stream") {
  Fixture f(R"(
<filter **>
  @type drop
</filter>
<match **>
  @type collect
  @id out
</match>
)");
  REQUIRE(f.pipeline);
  f.emit("x");
  CHECK(received("out").empty());
}

TEST_CASE("unmatched tags go to the no-match sink and are counted") {
  Fixture f(R"(
<match app.**>
  @type collect
  @id out
</match>
)");
  REQUIRE(f.pipeline);
  for (int i = 0; i < 5; ++i) f.emit("nobody");
  CHECK(received("out").empty());
  CHECK(f.pipeline->root_router().no_match_count() == 5);
}

TEST_CASE("labels have their own rules; @label on relabel sends there; no fall back") {
  Fixture f(R"(
<match app.**>
  @type relabel
  @label @other
</match>
<match **>
  @type collect
  @id top
</match>
<label @other>
  <filter **>
    @type mark
    key in_label
  </filter>
  <match app.keep>
    @type collect
    @id labelled
  </match>
</label>
)");
  REQUIRE(f.pipeline);
  f.emit("app.keep");
  f.emit("app.lost");  // matches nothing inside the label: dropped, not sent to the top level
  CHECK(received("labelled") ==
        std::vector<std::string>{R"(app.keep {"message":"m","in_label":true})"});
  CHECK(received("top").empty());
  CHECK(f.pipeline->find_label("@other")->no_match_count() == 1);
}

TEST_CASE("@label @ROOT sends back to the top level") {
  Fixture f(R"(
<match back.**>
  @type collect
  @id top
</match>
<match **>
  @type relabel
  @label @x
</match>
<label @x>
  <match **>
    @type relabel
    @label @ROOT
  </match>
</label>
)");
  REQUIRE(f.pipeline);
  f.emit("back.a");
  CHECK(received("top").size() == 1);
}

TEST_CASE("a failing output hands the stream to @ERROR") {
  Fixture f(R"(
<match **>
  @type failing
</match>
<label @ERROR>
  <match **>
    @type collect
    @id errors
  </match>
</label>
)");
  REQUIRE(f.pipeline);
  f.emit("bad.tag", "lost?");
  CHECK(received("errors") == std::vector<std::string>{R"(bad.tag {"message":"lost?"})"});
}

TEST_CASE("copy sends to each store; ignore_error keeps going") {
  Fixture f(R"(
<match **>
  @type copy
  <store ignore_error>
    @type failing
  </store>
  <store>
    @type collect
    @id second
  </store>
</match>
)");
  REQUIRE(f.pipeline);
  f.emit("t");
  CHECK(received("second").size() == 1);
}

TEST_CASE("configuration errors: unknown label, duplicate id, label without match") {
  SECTION("unknown label") {
    Fixture f("<match **>\n  @type relabel\n  @label @nowhere\n</match>\n");
    CHECK_FALSE(f.pipeline);
    REQUIRE(f.diags.has_errors());
    bool found = false;
    for (const auto& d : f.diags.items()) found = found || d.message == "@nowhere label not found";
    CHECK(found);
  }
  SECTION("duplicate id") {
    Fixture f(
        "<match a>\n  @type collect\n  @id x\n</match>\n<match b>\n  @type collect\n  @id "
        "x\n</match>\n");
    CHECK_FALSE(f.pipeline);
  }
  SECTION("label without match") {
    Fixture f("<label @a>\n  <filter **>\n    @type drop\n  </filter>\n</label>\n");
    CHECK_FALSE(f.pipeline);
  }
}

TEST_CASE("<worker 0> rules come after every top-level rule") {
  Fixture f(R"(
<worker 0>
  <match a.**>
    @type collect
    @id worker_rule
  </match>
</worker>
<match **>
  @type collect
  @id top
</match>
)");
  REQUIRE(f.pipeline);
  f.emit("a.b");
  CHECK(received("top").size() == 1);
  CHECK(received("worker_rule").empty());
}

TEST_CASE("the route cache is bounded and stays correct past its limit") {
  Fixture f(R"(
<match even.**>
  @type collect
  @id even
</match>
<match **>
  @type collect
  @id rest
</match>
)");
  REQUIRE(f.pipeline);
  for (size_t i = 0; i < Router::kRouteCacheLimit + 50; ++i)
    f.emit((i % 2 ? "odd." : "even.") + std::to_string(i));
  f.emit("even.0");
  CHECK(received("even").size() == (Router::kRouteCacheLimit + 50) / 2 + 1);
  CHECK(received("rest").size() == (Router::kRouteCacheLimit + 50) / 2);
}

TEST_CASE("@FLUENT_LOG label receives log events; top-level capture only when a rule matches") {
  SECTION("label") {
    Fixture f(
        "<label @FLUENT_LOG>\n  <match fluent.**>\n    @type collect\n  </match>\n</label>\n<match "
        "app>\n  @type collect\n</match>\n");
    REQUIRE(f.pipeline);
    CHECK(f.pipeline->log_router() == f.pipeline->find_label("@FLUENT_LOG"));
  }
  SECTION("top level <match **>") {
    Fixture f("<match **>\n  @type collect\n</match>\n");
    REQUIRE(f.pipeline);
    CHECK(f.pipeline->log_router() == &f.pipeline->root_router());
  }
  SECTION("no rule for fluent.*") {
    Fixture f("<match app.**>\n  @type collect\n</match>\n");
    REQUIRE(f.pipeline);
    CHECK(f.pipeline->log_router() == nullptr);
  }
}

TEST_CASE("a copy store with @label re-emits into that label") {
  Fixture f(R"(
<match in.**>
  @type copy
  <store>
    @type relabel
    @label @side
  </store>
</match>
<label @side>
  <match **>
    @type collect
    @id side
  </match>
</label>
)");
  REQUIRE(f.pipeline);
  f.emit("in.x");
  CHECK(received("side").size() == 1);
}

TEST_CASE("events relabelled in a circle are cut off, not recursed without end") {
  Fixture f(R"(
<match **>
  @type relabel
  @label @a
</match>
<label @a>
  <match **>
    @type relabel
    @label @ROOT
  </match>
</label>
)");
  REQUIRE(f.pipeline);
  f.emit("loop");  // returns (ok) instead of overflowing the stack
  SUCCEED();
}

TEST_CASE("filters a producer applied to each record are skipped for its batch, and only those") {
  Fixture f(R"(
<filter app.**>
  @type mark
  key a
</filter>
<filter app.**>
  @type mark
  key b
</filter>
<filter app.**>
  @type mark_late
  key c
</filter>
<filter **>
  @type mark
  key d
</filter>
<match **>
  @type collect
  @id out
</match>
)");
  REQUIRE(f.pipeline);
  Router& router = f.pipeline->root_router();
  RecordSteps steps;
  router.record_steps("app.x", steps);
  // The leading filters that only add pairs, up to the first that does more.
  REQUIRE(steps.filters.size() == 2);

  // A producer writes each record and applies the steps to it at once.
  auto produce = [&](const std::string& tag, const RecordSteps* applied) {
    EventBatch b;
    b.tag = tag;
    for (const char* m : {"one", "two"}) {
      b.begin_entry(EventTime{1, 0});
      size_t map_pos = b.entries.size();
      MsgpackWriter w(b.entries);
      w.map_header(1);
      w.str("message");
      w.str(m);
      if (applied) applied->apply(b.entries, map_pos);
      b.commit_entry();
    }
    b.applied = applied;
    REQUIRE(router.emit(b).is_ok());
  };
  produce("app.x", &steps);
  const std::vector<std::string> want = {
      R"(app.x {"message":"one","a":true,"b":true,"c":true,"d":true})",
      R"(app.x {"message":"two","a":true,"b":true,"c":true,"d":true})"};
  CHECK(received("out") == want);
  CHECK(g_filter_calls == std::map<std::string, int>{{"c", 1}, {"d", 1}});

  // The same events from a producer that applied nothing: every filter runs, same records.
  reset_received();
  produce("app.x", nullptr);
  CHECK(received("out") == want);
  CHECK(g_filter_calls == std::map<std::string, int>{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}});

  // Steps that are not the route's own are not taken for it: its filters run.
  reset_received();
  produce("other", &steps);
  CHECK(received("out") ==
        std::vector<std::string>{R"(other {"message":"one","a":true,"b":true,"d":true})",
                                 R"(other {"message":"two","a":true,"b":true,"d":true})"});
  CHECK(g_filter_calls == std::map<std::string, int>{{"d", 1}});
}
