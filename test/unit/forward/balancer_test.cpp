// out_forward's load balancer and failure detector, as Fluentd computes them.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "plugins/out_forward/failure_detector.hpp"
#include "plugins/out_forward/load_balancer.hpp"

using namespace shipper;
using namespace shipper::out_forward;

namespace {
struct FakeNode {
  std::string name;
  int w = 60;
  bool sb = false;
  bool up = true;
  int weight() const { return w; }
  bool standby() const { return sb; }
  bool available() const { return up; }
  std::string host() const { return name; }
  int port() const { return 24224; }
};

std::map<std::string, int> pick_many(LoadBalancer<FakeNode>& lb, int n) {
  std::map<std::string, int> count;
  for (int i = 0; i < n; ++i) {
    auto r = lb.select([](FakeNode&) { return Status::ok(); });
    REQUIRE(r.is_ok());
    ++count[(*r)->name];
  }
  return count;
}
}  // namespace

TEST_CASE("weights apply per pick: 60/40 over whole laps is exact") {
  FakeNode a{"a", 60}, b{"b", 40};
  LoadBalancer<FakeNode> lb{Logger{}};
  lb.rebuild({&a, &b});
  CHECK(lb.array_size() == 10);  // 3+2 slots, repeated twice (6*2/5 = 2)
  auto c = pick_many(lb, 1000);
  CHECK(c["a"] == 600);
  CHECK(c["b"] == 400);
}

TEST_CASE("array sizes follow Fluentd's rebuild rule") {
  FakeNode a{"a", 60}, b{"b", 60}, x{"x", 1}, y{"y", 99}, z{"z", 0};
  LoadBalancer<FakeNode> lb{Logger{}};
  lb.rebuild({&a, &b});
  CHECK(lb.array_size() == 12);
  lb.rebuild({&x, &y});
  CHECK(lb.array_size() == 100);
  lb.rebuild({&a, &z});  // weight 0 is never used
  auto c = pick_many(lb, 10);
  CHECK(c["a"] == 10);
}

TEST_CASE("standby joins only when regular weight is lost; failures fall through") {
  FakeNode a{"a"}, s{"s", 60, true};
  LoadBalancer<FakeNode> lb{Logger{}};
  lb.rebuild({&a, &s});
  CHECK(pick_many(lb, 20)["a"] == 20);
  a.up = false;
  lb.rebuild({&a, &s});
  CHECK(pick_many(lb, 20)["s"] == 20);

  FakeNode p{"p"}, q{"q"};
  lb.rebuild({&p, &q});
  int tries = 0;
  auto r = lb.select([&](FakeNode& n) {
    ++tries;
    return n.name == "p" ? error(StatusCode::kUnavailable, "refused") : Status::ok();
  });
  REQUIRE(r.is_ok());
  CHECK((*r)->name == "q");
  auto none = lb.select(
      [](FakeNode&) { return error(StatusCode::kUnavailable, "Errno::ECONNREFUSED: x"); });
  CHECK_FALSE(none.is_ok());
  CHECK(none.status().message() == "Errno::ECONNREFUSED: x");
}

TEST_CASE("phi grows with silence: about 37 s to pass 16 with 1 s heartbeats") {
  FailureDetector fd(1.0, 60.0, 1000.0);
  for (int i = 1; i <= 30; ++i) fd.add(1000.0 + i);
  CHECK(fd.phi(1031.0) < 1.0);
  CHECK(fd.phi(1030.0 + 36.0) < 16.0);
  CHECK(fd.phi(1030.0 + 38.0) > 16.0);
  CHECK_FALSE(fd.hard_timeout(1030.0 + 59.0));
  CHECK(fd.hard_timeout(1030.0 + 61.0));
  fd.clear();
  CHECK(fd.sample_size() == 0);
  fd.add(2000.0);
  CHECK(fd.sample_size() == 1);
}
