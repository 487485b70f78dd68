// <group> throttling: which group a path falls into, and each file's share of the limit.
#include <catch2/catch.hpp>

#include "plugins/in_tail/group_throttle.hpp"

using namespace shipper;
using namespace shipper::in_tail;

namespace {

const std::string kId(64, 'a');

std::string container_log(const std::string& pod, const std::string& ns,
                          const std::string& container) {
  return "/var/log/containers/" + pod + "_" + ns + "_" + container + "-" + kId + ".log";
}

RuleParams rule(config::HashValue match, int64_t limit) {
  RuleParams r;
  r.match = std::move(match);
  r.limit = limit;
  return r;
}

}  // namespace

TEST_CASE("group: paths fall into the most specific matching rule") {
  GroupParams p;
  p.rule.push_back(rule({{"namespace", "/kube-system/"}}, 100));
  p.rule.push_back(rule({{"namespace", "/app/"}, {"podname", "/web-\\d+/"}}, 10));
  p.rule.push_back(rule({{"namespace", "/app/"}}, 50));
  REQUIRE(check_group(p).empty());
  GroupThrottle t(p);

  const ThrottleGroup* web = t.group_of(container_log("web-1", "app", "nginx"));
  CHECK(web->limit == 10);  // two match keys beat one
  CHECK(t.group_of(container_log("api-1", "app", "nginx"))->limit == 50);
  CHECK(t.group_of(container_log("dns-1", "kube-system", "coredns"))->limit == 100);
  // No rule: the default group, unlimited.
  CHECK(t.group_of(container_log("x-1", "payments", "c"))->limit == -1);
  // The pattern does not match: the default group, reported as unmatched.
  bool unmatched = false;
  CHECK(t.group_of("/tmp/other.log", &unmatched)->limit == -1);
  CHECK(unmatched);
  // Pod names with dots do not match the default pattern (Fluentd's quirk).
  unmatched = false;
  t.group_of(container_log("web.1", "app", "nginx"), &unmatched);
  CHECK(unmatched);
}

TEST_CASE("group: a rule whose key is all .* sets the default group's limit") {
  GroupParams p;
  p.rule.push_back(RuleParams{});  // default match: namespace and podname /.*/
  p.rule.back().limit = 7;
  GroupThrottle t(p);
  CHECK(t.group_of("/tmp/unmatched.log")->limit == 7);
  CHECK(t.group_of(container_log("a", "b", "c"))->limit == 7);
}

TEST_CASE("group: rule regexps are joined with _ and searched in the joined captures") {
  GroupParams p;
  p.rule.push_back(rule({{"namespace", "/PROD/i"}}, 5));
  GroupThrottle t(p);
  CHECK(t.group_of(container_log("a", "prod", "c"))->limit == 5);  // the i flag is kept
  CHECK(t.group_of(container_log("a", "dev", "c"))->limit == -1);
  // The key is ".*_(?i:PROD)_.*_.*": a rule regexp must reach the "_" around its capture, so
  // it does not match inside a longer namespace.
  CHECK(t.group_of(container_log("a", "prod-eu", "c"))->limit == -1);
}

TEST_CASE("group: each file gets limit / files lines per rate_period") {
  GroupParams p;
  p.rate_period = config::Duration{5};
  p.rule.push_back(rule({{"namespace", "/app/"}}, 10));
  GroupThrottle t(p);
  auto a = t.join(container_log("a", "app", "c"), nullptr);
  auto b = t.join(container_log("b", "app", "c"), nullptr);
  REQUIRE(a->group == b->group);
  REQUIRE(a->group->files == 2);

  double resume = 0;
  CHECK(GroupThrottle::allowance(*a, 100.0, &resume) == 5);
  GroupThrottle::consumed(*a, 3, 100.0);
  CHECK(GroupThrottle::allowance(*a, 101.0, &resume) == 2);
  GroupThrottle::consumed(*a, 2, 101.0);
  CHECK(GroupThrottle::allowance(*a, 102.0, &resume) == 0);
  CHECK(resume == Approx(105.0));  // the period started with the first lines, at 100
  CHECK(GroupThrottle::allowance(*b, 102.0, &resume) == 5);  // b has its own share
  CHECK(GroupThrottle::allowance(*a, 105.0, &resume) == 5);  // a new period

  // One file leaves: the other gets the whole limit.
  t.leave(b);
  CHECK(a->group->files == 1);
  CHECK(GroupThrottle::allowance(*a, 105.0, &resume) == 10);
}

TEST_CASE("group: limit 0 reads nothing; -1 is unlimited; shares never round to zero") {
  GroupParams p;
  p.rule.push_back(rule({{"namespace", "/none/"}}, 0));
  p.rule.push_back(rule({{"namespace", "/one/"}}, 1));
  GroupThrottle t(p);
  double resume = 0;
  auto zero = t.join(container_log("a", "none", "c"), nullptr);
  CHECK(GroupThrottle::allowance(*zero, 10.0, &resume) == 0);
  CHECK(resume > 10.0);
  auto free = t.join(container_log("a", "other", "c"), nullptr);
  CHECK(GroupThrottle::allowance(*free, 10.0, &resume) == UINT64_MAX);
  auto one_a = t.join(container_log("a", "one", "c"), nullptr);
  auto one_b = t.join(container_log("b", "one", "c"), nullptr);
  CHECK(GroupThrottle::allowance(*one_a, 10.0, &resume) == 1);
}

TEST_CASE("group: a path joined twice (rotation) shares one counter until its last watcher") {
  GroupParams p;
  p.rule.push_back(rule({{"namespace", "/app/"}}, 10));
  GroupThrottle t(p);
  std::string path = container_log("a", "app", "c");
  auto first = t.join(path, nullptr);
  auto second = t.join(path, nullptr);
  CHECK(first == second);
  CHECK(first->group->files == 1);
  t.leave(first);
  CHECK(second->group->files == 1);
  t.leave(second);
  CHECK(second->group->files == 0);
}

TEST_CASE("group: configuration checks") {
  GroupParams p;
  p.rule.push_back(rule({{"namespace", "/app/"}}, -2));
  CHECK(check_group(p) == "Metadata Group Limit >= DEFAULT_LIMIT");
  p.rule.back().limit = 1;
  p.rule.back().match = {{"namespace", "/(unclosed/"}};
  CHECK_THAT(check_group(p), Catch::StartsWith("invalid <rule> match regexp"));
  p.rule.back().match = {{"namespace", "/ok/"}};
  p.pattern.source = "(?<a>x";
  CHECK_THAT(check_group(p), Catch::StartsWith("invalid <group> pattern"));
}
