// in_tail's report(): one entry per watched file, matching the file on disk and the pos file;
// and path_timezone in path expansion.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/registry.hpp"
#include "plugins/in_tail/tail_input.hpp"

namespace shipper {
void register_plugin_in_tail(Registry&);
void register_plugin_parser_none(Registry&);
}  // namespace shipper

using namespace shipper;

namespace {

Registry& registry() {
  static Registry r = [] {
    Registry reg;
    register_plugin_in_tail(reg);
    register_plugin_parser_none(reg);
    return reg;
  }();
  return r;
}

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/tail_report_test_XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

void append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << text;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct CountingRouter : EventRouter {
  std::mutex mu;
  uint64_t events = 0;
  Status emit(EventBatch& batch) override {
    std::lock_guard<std::mutex> lock(mu);
    events += batch.count;
    return Status::ok();
  }
  uint64_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return events;
  }
};

// A <source @type tail> element with <parse> @type none.
struct Source {
  config::Element element;
  Source(std::vector<std::pair<std::string, std::string>> params) {
    element.name = "source";
    params.insert(params.begin(), {"@type", "tail"});
    for (auto& [k, v] : params) {
      config::Param p;
      p.key = k;
      p.value = v;
      element.params.push_back(p);
    }
    config::Element parse;
    parse.name = "parse";
    config::Param t;
    t.key = "@type";
    t.value = "none";
    parse.params.push_back(t);
    element.children.push_back(parse);
  }
};

std::unique_ptr<Input> make_tail(const Source& src, EventRouter* router) {
  PluginContext ctx;
  ctx.kind = config::PluginKind::kInput;
  ctx.type = "tail";
  ctx.element = &src.element;
  ctx.registry = &registry();
  ctx.router = router;
  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  return registry().create_as<Input>(ctx, bind);
}

// Polls `pred` for up to 10 seconds.
template <class F>
bool eventually(F pred) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

PluginReport report_of(const Input& in) {
  PluginReport r;
  in.report(r);
  return r;
}

}  // namespace

TEST_CASE("report: each watched file with its inode, read position and size") {
  TempDir dir;
  std::string a = dir.path + "/a.log", b = dir.path + "/b.log";
  append(a, "one\ntwo\n");
  append(b, "three\n");
  Source src({{"path", dir.path + "/*.log"},
              {"pos_file", dir.path + "/tail.pos"},
              {"tag", "t.*"},
              {"read_from_head", "true"},
              {"rotate_wait", "30"}});
  CountingRouter router;
  auto in = make_tail(src, &router);
  REQUIRE(in);
  CHECK(report_of(*in).tail_files.empty());  // nothing watched before start()
  REQUIRE(in->start());
  REQUIRE(eventually([&] { return router.count() == 3; }));
  // The position moves after emit() returned; wait for the report to show both files read.
  REQUIRE(eventually([&] {
    auto r = report_of(*in);
    return r.tail_files.size() == 2 && r.tail_files[0].position == r.tail_files[0].size &&
           r.tail_files[1].position == r.tail_files[1].size;
  }));

  // An unfinished line: the size grows, the read position stays before it.
  append(a, "partial");
  auto r = report_of(*in);
  REQUIRE(r.tail_files.size() == 2);
  for (const auto& f : r.tail_files) {
    struct stat st {};
    REQUIRE(::stat(f.path.c_str(), &st) == 0);
    CHECK(f.inode == static_cast<uint64_t>(st.st_ino));
    CHECK(f.size == static_cast<uint64_t>(st.st_size));
    CHECK_FALSE(f.closed);
    if (f.path == a)
      CHECK(f.position == 8);  // "one\ntwo\n"
    else
      CHECK(f.position == 6);
    // The position is the one the pos file records.
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.position));
    CHECK(read_file(dir.path + "/tail.pos").find(f.path + "\t" + hex + "\t") != std::string::npos);
  }
  CHECK(r.get("opened_file_count") == 2);
  CHECK(r.get("tracked_file_count") == 2);

  // Rotation: the old file is reported as closed (rotate_wait) beside the new one.
  struct stat old_st {};
  REQUIRE(::stat(a.c_str(), &old_st) == 0);
  REQUIRE(::rename(a.c_str(), (a + ".1").c_str()) == 0);
  append(a, "fresh\n");
  REQUIRE(eventually([&] { return report_of(*in).tail_files.size() == 3; }));
  r = report_of(*in);
  int closed = 0;
  for (const auto& f : r.tail_files) {
    if (!f.closed) continue;
    ++closed;
    CHECK(f.path == a);
    CHECK(f.inode == static_cast<uint64_t>(old_st.st_ino));
    CHECK(f.size == 15);  // "one\ntwo\npartial"
    CHECK(f.position == 8);
  }
  CHECK(closed == 1);
  CHECK(r.get("rotated_file_count") == 1);
  in->stop();
  in->close();
  CHECK(report_of(*in).tail_files.empty());
}

TEST_CASE("report: safe to call while the reading thread works") {
  TempDir dir;
  std::string a = dir.path + "/a.log";
  append(a, "");
  Source src({{"path", a}, {"tag", "t"}, {"read_from_head", "true"}});
  CountingRouter router;
  auto in = make_tail(src, &router);
  REQUIRE(in);
  REQUIRE(in->start());
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) append(a, "line " + std::to_string(i) + "\n");
  });
  uint64_t last = 0;
  bool monotonic = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (router.count() < 2000 && std::chrono::steady_clock::now() < deadline) {
    auto r = report_of(*in);
    if (!r.tail_files.empty()) {
      monotonic = monotonic && r.tail_files[0].position >= last;
      last = r.tail_files[0].position;
      if (last > r.tail_files[0].size) monotonic = false;
    }
  }
  writer.join();
  CHECK(router.count() == 2000);
  CHECK(monotonic);
  in->stop();
  in->close();
}

TEST_CASE("path_timezone: strftime in path uses the given zone, not local time") {
  TempDir dir;
  // A zone whose hour differs from local time's now.
  time_t now = time(nullptr);
  struct tm local {};
  localtime_r(&now, &local);
  int zone_offset = local.tm_gmtoff == 9 * 3600 ? -3 * 3600 : 9 * 3600;
  std::string zone = zone_offset > 0 ? "+09:00" : "-03:00";
  auto name_at = [&](time_t t, bool in_zone) {
    struct tm tm {};
    if (in_zone) {
      time_t shifted = t + zone_offset;
      gmtime_r(&shifted, &tm);
    } else {
      localtime_r(&t, &tm);
    }
    char b[64];
    strftime(b, sizeof b, "%Y%m%d-%H.log", &tm);
    return dir.path + "/" + b;
  };
  for (const std::string& spec :
       {zone, std::string(zone_offset > 0 ? "Asia/Tokyo" : "Etc/GMT+3")}) {
    Source src({{"path", dir.path + "/%Y%m%d-%H.log"}, {"tag", "t"}, {"path_timezone", spec}});
    CountingRouter router;
    auto in = make_tail(src, &router);
    REQUIRE(in);
    auto* tail = dynamic_cast<in_tail::TailInput*>(in.get());
    REQUIRE(tail);
    // Retry across an hour boundary.
    for (int attempt = 0; attempt < 3; ++attempt) {
      time_t t0 = time(nullptr);
      std::string zoned = name_at(t0, true), local_name = name_at(t0, false);
      REQUIRE(zoned != local_name);
      append(zoned, "");
      append(local_name, "");
      auto paths = tail->expand_paths();
      if (name_at(time(nullptr), true) != zoned) continue;
      INFO(spec);
      CHECK(paths == std::vector<std::string>{zoned});
      break;
    }
  }
  // An unsupported zone is a configuration error.
  Source bad({{"path", dir.path + "/%H.log"}, {"tag", "t"}, {"path_timezone", "JST"}});
  PluginContext ctx;
  ctx.kind = config::PluginKind::kInput;
  ctx.type = "tail";
  ctx.element = &bad.element;
  ctx.registry = &registry();
  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  auto none = registry().create_as<Input>(ctx, bind);
  CHECK_FALSE(none);
}
