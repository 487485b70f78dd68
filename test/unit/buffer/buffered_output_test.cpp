#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "buffer/buffered_output.hpp"
#include "core/msgpack_writer.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::buffer;
using buffer_test::TempDir;
namespace fs = std::filesystem;

namespace {

class TestOutput : public BufferedOutput {
 public:
  TestOutput(PluginContext& ctx, const OutputParams& p, BufferedOutputOptions o = {})
      : BufferedOutput(ctx, p, std::move(o)) {}
  std::function<Status(const Chunk&)> on_write;
  bool delayed = false;
  std::mutex mu;
  std::string received;
  std::atomic<uint64_t> records{0};
  std::vector<ChunkId> pending;

  uint64_t got() const { return records.load(); }
  using BufferedOutput::commit_write;

 protected:
  bool prefer_delayed_commit() const override { return delayed; }
  Status try_write(const Chunk& c) override {
    Status st = write(c);
    if (st) {
      std::lock_guard lock(mu);
      pending.push_back(c.unique_id());
    }
    return st;
  }
  Status write(const Chunk& c) override {
    if (on_write) {
      Status st = on_write(c);
      if (!st) return st;
    }
    std::string data;
    Status st = c.read(data);
    if (!st) return st;
    std::lock_guard lock(mu);
    received += data;
    records += c.record_count();
    return Status::ok();
  }
};

config::Element buffer_element(std::string arg,
                               std::vector<std::pair<std::string, std::string>> params) {
  config::Element e;
  e.name = "buffer";
  e.arg = std::move(arg);
  for (auto& [k, v] : params) {
    config::Param p;
    p.key = k;
    p.value = v;
    e.params.push_back(p);
  }
  return e;
}

EventBatch batch_of(int n, uint32_t base = 0) {
  EventBatch b;
  b.tag = "app.x";
  for (int i = 0; i < n; ++i) {
    std::string rec;
    MsgpackWriter w(rec);
    w.map_header(1);
    w.str("n");
    w.integer(base + i);
    b.append(EventTime{1700000000u + base + static_cast<uint32_t>(i), 0}, rec);
  }
  return b;
}

template <class F>
bool wait_until(F f, double seconds = 10) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return f();
}

struct Setup {
  TempDir dir;
  SystemSettings sys;
  PluginContext ctx;
  config::Element el;
  OutputParams params;
  Setup(std::string arg, std::vector<std::pair<std::string, std::string>> p,
        std::string type = "memory") {
    sys.root_dir = dir.path();
    ctx.id = "out_test";
    ctx.has_explicit_id = true;
    ctx.system = &sys;
    el = buffer_element(std::move(arg), std::move(p));
    params.buffer = config::PluginSection{&el, type};
  }
};

}  // namespace

TEST_CASE("immediate flush delivers every emitted event once") {
  Setup s("tag", {{"flush_mode", "immediate"}, {"flush_thread_burst_interval", "0"}});
  TestOutput out(s.ctx, s.params);
  REQUIRE(out.start().is_ok());
  std::string expected;
  for (int i = 0; i < 20; ++i) {
    EventBatch b = batch_of(10, i * 10);
    expected += b.entries;
    REQUIRE(out.emit(b).is_ok());
  }
  CHECK(wait_until([&] { return out.got() == 200; }));
  out.shutdown();
  out.close();
  CHECK(out.received == expected);
}

TEST_CASE("flush_all (SIGUSR1) and flush_at_shutdown flush staged chunks in interval mode") {
  Setup s("tag", {{"flush_interval", "3600"}});
  TestOutput out(s.ctx, s.params);
  REQUIRE(out.start().is_ok());
  REQUIRE(out.emit(batch_of(5)).is_ok());
  out.flush_all();
  CHECK(wait_until([&] { return out.got() == 5; }));
  REQUIRE(out.emit(batch_of(7)).is_ok());
  out.shutdown();  // memory buffer: flush_at_shutdown defaults to true
  CHECK(out.got() == 12);
  out.close();
}

TEST_CASE("a failing destination is retried with backoff until it recovers; nothing is lost") {
  Setup s("tag", {{"flush_mode", "immediate"},
                  {"retry_wait", "0.05"},
                  {"retry_randomize", "false"},
                  {"flush_thread_burst_interval", "0"}});
  TestOutput out(s.ctx, s.params);
  std::atomic<int> failures{0};
  out.on_write = [&](const Chunk&) -> Status {
    if (failures.load() < 4) {
      ++failures;
      return error(StatusCode::kUnavailable,
                   "Errno::ECONNREFUSED: Connection refused - connect(2)");
    }
    return Status::ok();
  };
  REQUIRE(out.start().is_ok());
  REQUIRE(out.emit(batch_of(3)).is_ok());
  REQUIRE(out.emit(batch_of(4, 3)).is_ok());
  CHECK(wait_until([&] { return out.got() == 7; }));
  CHECK(failures.load() == 4);
  CHECK(out.retry_count() == 4);
  out.shutdown();
  out.close();
}

TEST_CASE("hitting retry_max_times drops the queue") {
  Setup s("tag", {{"flush_mode", "immediate"},
                  {"retry_wait", "0.02"},
                  {"retry_max_times", "2"},
                  {"retry_randomize", "false"}});
  TestOutput out(s.ctx, s.params);
  std::atomic<int> calls{0};
  out.on_write = [&](const Chunk&) -> Status {
    ++calls;
    return error(StatusCode::kUnavailable, "down");
  };
  REQUIRE(out.start().is_ok());
  REQUIRE(out.emit(batch_of(3)).is_ok());
  CHECK(wait_until([&] {
    return calls.load() == 3 && out.buffer().queue_length() == 0 &&
           out.buffer().in_flight_count() == 0;
  }));
  out.shutdown();
  out.close();
  CHECK(calls.load() == 3);  // the first failure and two retries
}

TEST_CASE("an unrecoverable chunk goes to the backup directory with its entries") {
  Setup s("tag", {{"flush_mode", "immediate"}});
  TestOutput out(s.ctx, s.params);
  out.on_write = [&](const Chunk&) {
    return error(StatusCode::kInvalidArgument, "TypeError: bad record");
  };
  REQUIRE(out.start().is_ok());
  EventBatch b = batch_of(4);
  REQUIRE(out.emit(b).is_ok());
  std::string dir = s.dir.path() + "/backup/worker0/out_test";
  CHECK(wait_until([&] { return fs::exists(dir) && !fs::is_empty(dir); }));
  out.shutdown();
  out.close();
  auto it = fs::directory_iterator(dir);
  std::string path = it->path().string();
  CHECK(path.size() > 36);
  CHECK(path.substr(path.size() - 4) == ".log");
  CHECK(buffer_test::slurp(path) == b.entries);
  CHECK(out.retry_count() == 0);
}

TEST_CASE("delayed commit: a chunk stays in flight until committed; rollback sends it again") {
  Setup s("tag", {{"flush_mode", "immediate"}, {"flush_thread_burst_interval", "0"}});
  TestOutput out(s.ctx, s.params);
  out.delayed = true;
  REQUIRE(out.start().is_ok());
  REQUIRE(out.emit(batch_of(2)).is_ok());
  CHECK(wait_until([&] {
    std::lock_guard lock(out.mu);
    return out.pending.size() == 1;
  }));
  CHECK(out.buffer().in_flight_count() == 1);
  ChunkId id;
  {
    std::lock_guard lock(out.mu);
    id = out.pending[0];
  }
  out.rollback_write(id);
  CHECK(wait_until([&] {
    std::lock_guard lock(out.mu);
    return out.pending.size() == 2;
  }));
  CHECK(out.pending[1] == id);  // the same chunk id on the resend
  out.commit_write(id);
  CHECK(out.buffer().in_flight_count() == 0);
  CHECK(out.buffer().total_bytes() == 0);
  out.shutdown();
  out.close();
}

TEST_CASE("overflow: a full buffer refuses writes as back-pressure; drop_oldest_chunk makes room") {
  Setup s("tag",
          {{"chunk_limit_size", "100"}, {"total_limit_size", "300"}, {"flush_interval", "3600"}});
  TestOutput out(s.ctx, s.params);
  out.on_write = [](const Chunk&) { return error(StatusCode::kUnavailable, "down"); };
  // Not started: nothing flushes, so the buffer fills.
  Status st;
  int accepted = 0;
  for (int i = 0; i < 100; ++i) {
    st = out.emit(batch_of(2, i * 2));
    if (!st) break;
    ++accepted;
  }
  CHECK(st.code() == StatusCode::kBufferFull);
  CHECK(accepted > 3);

  Setup d("tag", {{"chunk_limit_size", "100"},
                  {"total_limit_size", "300"},
                  {"flush_interval", "3600"},
                  {"overflow_action", "drop_oldest_chunk"}});
  TestOutput out2(d.ctx, d.params);
  for (int i = 0; i < 100; ++i) REQUIRE(out2.emit(batch_of(2, i * 2)).is_ok());
}

TEST_CASE("file buffer through the output: chunks are resumed after a restart and delivered") {
  TempDir dir;
  SystemSettings sys;
  PluginContext ctx;
  ctx.id = "out_f";
  ctx.system = &sys;
  config::Element el =
      buffer_element("tag", {{"path", dir.path() + "/buf"}, {"flush_interval", "3600"}});
  OutputParams params;
  params.buffer = config::PluginSection{&el, "file"};
  EventBatch b = batch_of(6);
  {
    TestOutput out(ctx, params);
    REQUIRE(out.start().is_ok());
    REQUIRE(out.emit(b).is_ok());
    out.shutdown();  // file buffer: no flush at shutdown
    out.close();
    CHECK(out.got() == 0);
  }
  TestOutput again(ctx, params);
  REQUIRE(again.start().is_ok());
  again.flush_all();
  CHECK(wait_until([&] { return again.got() == 6; }));
  again.shutdown();
  again.close();
  CHECK(again.received == b.entries);
}

TEST_CASE("configuration errors: time key without timekey, forward without tag key") {
  Setup s("time", {});
  CHECK_THROWS_AS(TestOutput(s.ctx, s.params), config::ConfigException);
  Setup t("time", {});
  BufferedOutputOptions o;
  o.default_timekey = 86400;
  TestOutput ok(t.ctx, t.params, o);
  CHECK(ok.chunk_keys().timekey == 86400);
  Setup f("", {});
  BufferedOutputOptions fo;
  fo.require_tag_key = true;
  CHECK_THROWS_AS(TestOutput(f.ctx, f.params, fo), config::ConfigException);
  Setup e("tag", {{"flush_mode", "lazy"}, {"flush_interval", "10"}});
  CHECK_THROWS_AS(TestOutput(e.ctx, e.params), config::ConfigException);
}

TEST_CASE("v0.12 buffer parameters at the <match> level configure the buffer") {
  TempDir dir;
  SystemSettings sys;
  PluginContext ctx;
  ctx.id = "out_compat";
  ctx.system = &sys;
  OutputParams params;
  params.buffer_type = "file";
  params.buffer_path = dir.path() + "/buf";
  params.num_threads = "2";
  params.buffer_chunk_limit = "1m";
  params.buffer_queue_full_action = "exception";
  params.retry_limit = "5";
  TestOutput out(ctx, params);
  CHECK(out.buffer().persistent());
  CHECK(out.buffer_params().flush_thread_count == 2);
  CHECK(out.buffer().chunk_limit_size() == 1u << 20);
  CHECK(out.buffer_params().overflow_action == "throw_exception");
  CHECK(out.buffer_params().retry_max_times == std::optional<int>(5));
}
