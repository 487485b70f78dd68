// conf/kubernetes.conf's filters, read from the file itself, applied to a record of the
// json-records fixture: the tag idiom puts pod, namespace, container and id into the record.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "core/text.hpp"
#include "filter_util.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {

// The <filter> sections of conf/kubernetes.conf as elements (a minimal reader for this file's
// simple shape: one level of nesting, `key value` lines).
std::vector<config::Element> conf_filters() {
  std::ifstream f(std::string(SHIPPER_SOURCE_DIR) + "/conf/kubernetes.conf");
  REQUIRE(f.good());
  std::vector<config::Element> out;
  std::vector<config::Element*> stack;
  std::string line;
  int n = 0;
  bool in_filter = false;
  while (std::getline(f, line)) {
    ++n;
    std::string_view t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (starts_with(t, "<filter")) {
      out.push_back(element("filter", {}));
      stack = {&out.back()};
      in_filter = true;
      continue;
    }
    if (!in_filter) continue;
    if (t == "</filter>") {
      in_filter = false;
      continue;
    }
    if (starts_with(t, "</")) {
      stack.pop_back();
      continue;
    }
    if (t[0] == '<') {
      stack.back()->children.push_back(element(std::string(t.substr(1, t.size() - 2)), {}));
      stack.push_back(&stack.back()->children.back());
      continue;
    }
    size_t sp = t.find(' ');
    config::Param p;
    p.key = std::string(t.substr(0, sp));
    p.value = sp == std::string_view::npos ? "" : std::string(trim(t.substr(sp)));
    if (p.value.size() >= 2 && p.value.front() == '"')
      p.value = "node-1";  // "#{ENV['MY_NODE_NAME']}"
    p.key_loc = p.value_loc = {"kubernetes.conf", n, 1};
    stack.back()->params.push_back(std::move(p));
  }
  return out;
}

}  // namespace

TEST_CASE("conf/kubernetes.conf: the tag idiom pulls pod, namespace, container and id") {
  auto filters = conf_filters();
  REQUIRE(filters.size() == 3);
  std::vector<std::unique_ptr<Built>> chain;
  for (auto& e : filters) {
    chain.push_back(make_filter(std::string(e.type()), e));
    REQUIRE(chain.back()->filter);
  }
  std::string tag =
      "kubernetes.var.log.containers.coredns-5d78c9869d-7xkzq_kube-system_coredns-"
      "5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2.log";
  EventBatch b =
      batch(tag,
            {R"({"log":"[INFO] 10.244.0.5:43812 - 31337 \"A IN x.\" NOERROR\n","stream":"stdout"})",
             R"({"log":"GET /healthz 200\n","stream":"stdout"})"},
            {1591005600, 1000});
  for (auto& f : chain) {
    EventBatch out;
    if (f->filter->filter(b, out) == Filter::Outcome::kReplaced) b = std::move(out);
    CHECK(f->errors.count() == 0);
  }
  auto e = entries(b);
  REQUIRE(e.size() == 1);  // the probe line was dropped by the grep
  CHECK(e[0].time == EventTime{1591005600, 1000});
  CHECK(
      e[0].json ==
      R"({"log":"[INFO] 10.244.0.5:43812 - 31337 \"A IN x.\" NOERROR\n","stream":"stdout","nodename":"node-1",)"
      R"("pod_name":"coredns-5d78c9869d-7xkzq","namespace":"kube-system","container_name":"coredns",)"
      R"("docker_id":"5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2"})");

  // A pod name with dots and a container name with dashes.
  std::string dotted =
      "kubernetes.var.log.containers.web.v2-abc_prod_side-car-" + std::string(64, 'a') + ".log";
  EventBatch d = batch(dotted, {R"({"log":"x"})"});
  for (auto& f : chain) {
    EventBatch out;
    if (f->filter->filter(d, out) == Filter::Outcome::kReplaced) d = std::move(out);
  }
  CHECK(entries(d)[0].json ==
        R"({"log":"x","nodename":"node-1","pod_name":"web.v2-abc","namespace":"prod",)"
        R"("container_name":"side-car","docker_id":")" +
            std::string(64, 'a') + R"("})");
}
