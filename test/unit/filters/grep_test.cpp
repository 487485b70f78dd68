#include <catch2/catch.hpp>

#include "filter_util.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {

config::Element rule(const char* kind, const std::string& key, const std::string& pattern) {
  return element(kind, {{"key", key}, {"pattern", pattern}});
}

// The records (JSON) that a grep built from `e` keeps, out of `records`.
std::vector<std::string> kept(config::Element e, std::initializer_list<std::string_view> records) {
  auto b = make_filter("grep", std::move(e));
  REQUIRE(b->filter);
  EventBatch in = batch("t", records), out;
  std::vector<std::string> result;
  if (b->filter->filter(in, out) == Filter::Outcome::kUnchanged) {
    for (auto& x : entries(in)) result.push_back(x.json);
  } else {
    for (auto& x : entries(out)) result.push_back(x.json);
  }
  return result;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("grep: top-level <regexp>s must all match; <exclude>s drop on any match") {
  auto e = element("filter", {},
                   {rule("regexp", "level", "/^(warn|error)$/"), rule("regexp", "msg", "disk"),
                    rule("exclude", "host", "/^test-/"), rule("exclude", "msg", "ignore")});
  CHECK(kept(e, {R"({"level":"error","msg":"disk full","host":"web-1"})",
                 R"({"level":"info","msg":"disk full","host":"web-1"})",
                 R"({"level":"warn","msg":"disk full","host":"test-1"})",
                 R"({"level":"warn","msg":"disk full, ignore","host":"web-2"})",
                 R"({"level":"warn","msg":"cpu","host":"web-2"})"}) ==
        Strings{R"({"level":"error","msg":"disk full","host":"web-1"})"});
}

TEST_CASE("grep: a batch where everything is kept passes on unchanged") {
  auto b = make_filter("grep", element("filter", {}, {rule("regexp", "m", "x")}));
  REQUIRE(b->filter);
  EventBatch in = batch("t", {R"({"m":"x1"})", R"({"m":"x2"})"}), out;
  CHECK(b->filter->filter(in, out) == Filter::Outcome::kUnchanged);
  EventBatch in2 = batch("t", {R"({"m":"x1"})", R"({"m":"y"})", R"({"m":"x3"})"});
  CHECK(b->filter->filter(in2, out) == Filter::Outcome::kReplaced);
  CHECK(out.count == 2);
  CHECK(entries(out)[1].json == R"({"m":"x3"})");
}

TEST_CASE("grep: missing keys compare as the empty string") {
  // <exclude> key level /^$/ drops events that lack `level` (spec 5.1).
  CHECK(kept(element("filter", {}, {rule("exclude", "level", "/^$/")}),
             {R"({"level":"info"})", R"({"msg":"x"})"}) == Strings{R"({"level":"info"})"});
  // A nested regexp on a missing path: dropped (spec A.4).
  CHECK(kept(element("filter", {}, {rule("regexp", "$.kubernetes.ns", "/^prod/")}),
             {R"({"log":"no kube"})"})
            .empty());
}

TEST_CASE("grep: an evaluation error keeps the event") {
  CHECK(kept(element("filter", {}, {rule("regexp", "$.kubernetes.ns", "/^prod/")}),
             {R"({"kubernetes":"str"})"}) == Strings{R"({"kubernetes":"str"})"});
}

TEST_CASE("grep: non-string values are matched as Ruby prints them") {
  auto e = element("filter", {},
                   {rule("regexp", "v", "/^(200|1\\.5|true|\\{\"a\"=>1\\}|\\[1, 2\\])$/")});
  CHECK(kept(e, {R"({"v":200})", R"({"v":1.5})", R"({"v":true})", R"({"v":{"a":1}})",
                 R"({"v":[1,2]})", R"({"v":201})", R"({"v":null})"}) ==
        Strings{R"({"v":200})", R"({"v":1.5})", R"({"v":true})", R"({"v":{"a":1}})",
                R"({"v":[1,2]})"});
}

TEST_CASE("grep: <and> and <or> groups") {
  auto e = element("filter", {},
                   {element("or", {}, {rule("regexp", "a", "x"), rule("regexp", "b", "y")}),
                    element("and", {}, {rule("exclude", "c", "1"), rule("exclude", "d", "2")})});
  CHECK(kept(e, {R"({"a":"x","c":"1","d":"2"})", R"({"a":"x","c":"1","d":"3"})", R"({"b":"y"})",
                 R"({"a":"z"})"}) == Strings{R"({"a":"x","c":"1","d":"3"})", R"({"b":"y"})"});
}

TEST_CASE("grep: record accessor keys, ignore-case flag and unicode") {
  auto e = element(
      "filter", {},
      {rule("regexp", "$.kubernetes.labels.app", "/^WEB$/i"), rule("regexp", "$['m.x']", "日本")});
  CHECK(kept(e, {R"({"kubernetes":{"labels":{"app":"web"}},"m.x":"こんにちは日本"})",
                 R"({"kubernetes":{"labels":{"app":"db"}},"m.x":"日本"})"}) ==
        Strings{R"({"kubernetes":{"labels":{"app":"web"}},"m.x":"こんにちは日本"})"});
}

TEST_CASE("grep: Ruby named groups and \\h are accepted") {
  CHECK(kept(element("filter", {}, {rule("regexp", "id", "/^(?<hex>\\h+)$/")}),
             {R"({"id":"00ff"})", R"({"id":"xyz"})"}) == Strings{R"({"id":"00ff"})"});
}

TEST_CASE("grep: legacy regexpN / excludeN") {
  auto e = element("filter", {{"regexp1", "level ^error$"}, {"exclude1", "msg  health"}});
  CHECK(kept(e, {R"({"level":"error","msg":"boom"})", R"({"level":"error","msg":"x health"})",
                 R"({"level":"info"})"}) == Strings{R"({"level":"error","msg":"boom"})"});
  auto b = make_filter("grep", element("filter", {{"regexp1", "level ^error$"}}));
  REQUIRE(b->filter);
  REQUIRE_FALSE(b->diags.items().empty());
  CHECK(b->diags.items()[0].code == "deprecated-parameter");
}

TEST_CASE("grep: configuration errors with Fluentd's messages") {
  auto msg = [](config::Element e) {
    auto b = make_filter("grep", std::move(e));
    CHECK_FALSE(b->filter);
    for (const auto& d : b->diags.items())
      if (d.severity == config::Severity::kError) return d.message;
    return std::string("no error");
  };
  CHECK(msg(element("filter", {}, {rule("regexp", "a", "x"), rule("regexp", "a", "y")})) ==
        "Duplicate key: a");
  CHECK(msg(element("filter", {},
                    {element("and", {}, {rule("regexp", "a", "x"), rule("exclude", "b", "y")})})) ==
        "Do not specify both <regexp> and <exclude> in <and>");
  CHECK(msg(element("filter", {{"regexp1", "nopattern"}})) ==
        "regexp1 does not contain 2 parameters");
  CHECK(msg(element("filter", {{"regexp1", "a x"}, {"regexp2", "a y"}})) ==
        "regexp2 contains a duplicated key, a");
  CHECK(msg(element("filter", {}, {rule("regexp", "a", "(?<=x)y")})).rfind("invalid regexp", 0) ==
        0);
  CHECK(msg(element("filter", {}, {rule("regexp", "$.a b", "x")})) ==
        "whitespace character is not allowed in dot notation. Use bracket notation: a b");
}
