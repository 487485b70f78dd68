// The pos file bytes, compared with what Fluentd 1.18 wrote (tail-posfile fixture).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "io/tail/pos_file.hpp"
#include "plugins/in_tail/tail_input.hpp"

using namespace shipper;
using namespace shipper::tail;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

std::string fixture(const std::string& name) {
  return std::string(SHIPPER_SOURCE_DIR) + "/../shared/fixtures/fluentd-1.18/tail-posfile/" + name;
}

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/pos_file_test_XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

const std::string kCoredns =
    "/var/log/containers/coredns-5d78c9869d-7xkzq_kube-system_coredns-"
    "5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2.log";
const std::string kApiserver =
    "/var/log/containers/kube-apiserver-node-1_kube-system_kube-apiserver-"
    "6a7e455cec00e563bf103888c1c45df0111192f5b9ca879337cad06c8ab60df3.log";

}  // namespace

TEST_CASE("the in-place updates reproduce Fluentd's pos file at every step") {
  TempDir dir;
  std::string pos = dir.path + "/containers.log.pos";
  PositionFile pf;
  REQUIRE(pf.open(pos, 0644, 0755, nullptr));
  // step 1: both files read from the head to their ends
  PosEntry* coredns = pf.add(kCoredns, 0, 0x11e16b);
  PosEntry* api = pf.add(kApiserver, 0, 0x11e165);
  pf.update_pos(coredns, 0x95);
  pf.update_pos(api, 0x1bf);
  CHECK(read_file(pos) == read_file(fixture("step1.pos")));
  // step 2: one more line, then rename rotation: same line, new inode, the new file's size
  pf.update_pos(api, 0x2b7);
  CHECK(read_file(pos).find("00000000000002b7\t000000000011e165") != std::string::npos);
  pf.update(api, 0, 0x11e174);
  pf.update_pos(api, 0x13a);
  CHECK(read_file(pos) == read_file(fixture("step2.pos")));
  // step 3: coredns deleted → unwatched, inode kept
  pf.unwatch(coredns);
  CHECK(read_file(pos) == read_file(fixture("step3.pos")));
  CHECK(read_file(fixture("step4a_after_stop.pos")) == read_file(fixture("step3.pos")));
}

TEST_CASE("loading compacts: unwatched, unparsable and duplicated entries go") {
  TempDir dir;
  std::string pos = dir.path + "/p.pos";
  write_file(pos, read_file(fixture("step3.pos")));
  {
    PositionFile pf;
    REQUIRE(pf.open(pos, 0644, 0755, nullptr));
    PosEntry* api = pf.find(kApiserver);
    REQUIRE(api);
    CHECK(api->pos == 0x13a);
    CHECK(api->inode == 0x11e174);
    CHECK(pf.find(kCoredns) == nullptr);
    pf.update_pos(api, 0x1ce);  // the line appended while stopped
  }
  CHECK(read_file(pos) == read_file(fixture("step4b_after_restart.pos")));

  write_file(
      pos, "/a\t1\t2\ngarbage line\n/b\tFF\t3\n/a\t000000000000000a\t0000000000000002\n/c\t5\t6\n");
  PositionFile pf;
  REQUIRE(pf.open(pos, 0644, 0755, [](const PosEntry& e) { return e.path != "/c"; }));
  CHECK(pf.unparsable_lines() == 1);
  CHECK(read_file(pos) ==
        "/b\t00000000000000ff\t0000000000000003\n/a\t000000000000000a\t0000000000000002\n");
  PosEntry* a = pf.find("/a");
  pf.update_pos(a, 0x20);
  CHECK(read_file(pos) ==
        "/b\t00000000000000ff\t0000000000000003\n/a\t0000000000000020\t0000000000000002\n");
}

TEST_CASE("tag expansion follows Fluentd") {
  using in_tail::TailInput;
  CHECK(TailInput::tag_for("kubernetes.*", "/var/log/containers/a-b_c.log") ==
        "kubernetes.var.log.containers.a-b_c.log");
  CHECK(TailInput::tag_for("pre.*.suf", "/tmp/d/a.log") == "pre.tmp.d.a.log.suf");
  CHECK(TailInput::tag_for("*", "/var/log/x.log") == "var.log.x.log");
  CHECK(TailInput::tag_for("app.logs", "/var/log/x.log") == "app.logs");
  CHECK(TailInput::tag_for("foo*", "/a..b/c") == "fooa.b.c");
  CHECK(TailInput::tag_for("a.*.b.*.c", "/x") == "a.x.b.");
}

TEST_CASE("periodic compaction drops unwatched and keeps updating survivors in place") {
  TempDir dir;
  std::string pos = dir.path + "/c.pos";
  PositionFile pf;
  REQUIRE(pf.open(pos, 0644, 0755, nullptr));
  PosEntry* a = pf.add("/logs/a.log", 0x10, 1);
  PosEntry* b = pf.add("/logs/b.log", 0x20, 2);
  PosEntry* c = pf.add("/logs/c.log", 0x30, 3);
  pf.unwatch(b);
  CHECK(read_file(pos) == format_pos_line("/logs/a.log", 0x10, 1) +
                              format_pos_line("/logs/b.log", kUnwatchedPosition, 2) +
                              format_pos_line("/logs/c.log", 0x30, 3));
  REQUIRE(pf.compact());
  CHECK(read_file(pos) ==
        format_pos_line("/logs/a.log", 0x10, 1) + format_pos_line("/logs/c.log", 0x30, 3));
  // The survivors' in-place updates land on their new lines; new entries append after them.
  pf.update_pos(c, 0x99);
  pf.update(a, 0x5, 7);
  pf.add("/logs/d.log", 0, 4);
  CHECK(read_file(pos) == format_pos_line("/logs/a.log", 0x5, 7) +
                              format_pos_line("/logs/c.log", 0x99, 3) +
                              format_pos_line("/logs/d.log", 0, 4));
  CHECK(pf.find("/logs/b.log") == nullptr);
  CHECK(pf.find("/logs/c.log") == c);
}

TEST_CASE("periodic compaction with follow_inodes keys duplicates by inode") {
  TempDir dir;
  std::string pos = dir.path + "/i.pos";
  PositionFile pf;
  pf.set_key_by_inode(true);
  REQUIRE(pf.open(pos, 0644, 0755, nullptr));
  pf.add("/logs/app.log", 0x40, 9);
  pf.add("/logs/app.log.1", 0x50, 9);  // same inode after a rename: the last one stays
  pf.add("/logs/app.log", 0x0, 10);    // same path, another inode: kept
  REQUIRE(pf.compact());
  CHECK(read_file(pos) ==
        format_pos_line("/logs/app.log.1", 0x50, 9) + format_pos_line("/logs/app.log", 0, 10));
  CHECK(pf.find_inode(9)->path == "/logs/app.log.1");
}
