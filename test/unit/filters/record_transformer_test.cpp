#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/map_appendix.hpp"
#include "filter_util.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {

const char* kK8sTag = "kubernetes.var.log.containers.app-7d9f_default_web-0123abcd.log";

// Runs one record through a record_transformer built from `params` and `<record>` entries.
struct Run {
  std::unique_ptr<Built> built;
  EventBatch out;
  std::vector<Entry> result;
};

Run transform(const KV& params, const KV& record, std::string_view json,
              const std::string& tag = kK8sTag, EventTime time = {1591005600, 123456789}) {
  Run r;
  std::vector<config::Element> children;
  if (!record.empty()) children.push_back(element("record", record));
  r.built = make_filter("record_transformer", element("filter", params, children));
  REQUIRE(r.built->filter);
  EventBatch in = batch(tag, {json}, time);
  r.out.tag = tag;
  CHECK(r.built->filter->filter(in, r.out) == Filter::Outcome::kReplaced);
  r.result = entries(r.out);
  return r;
}

std::string one(const KV& params, const KV& record, std::string_view json,
                const std::string& tag = kK8sTag) {
  Run r = transform(params, record, json, tag);
  REQUIRE(r.result.size() == 1);
  return r.result[0].json;
}

}  // namespace

TEST_CASE("record_transformer: the spec's worked example, key order included") {
  KV record = {
      {"message", "overwritten ${record[\"message\"]}"},
      {"cnt", "${record[\"count\"]}"},
      {"cnt_str", "count=${record[\"count\"]}"},
      {"nested", "${record[\"obj\"]}"},
      {"missing", "${record[\"nope\"]}"},
      {"p_last", "${tag_parts[-1]}"},
      {"pre1", "${tag_prefix[1]}"},
      {"t", "${time}"},
      {"${tag_parts[1]}_key", "dynamic"},
      {"obj2", R"({"a":"${tag_parts[0]}","n":1})"},
  };
  std::string in = R"({"message":"hello","count":5,"obj":{"k":"v"}})";
  CHECK(one({}, record, in) ==
        R"({"message":"overwritten hello","count":5,"obj":{"k":"v"},"cnt":5,"cnt_str":"count=5",)"
        R"("nested":{"k":"v"},"missing":null,"p_last":"log","pre1":"kubernetes.var",)"
        R"("t":"2020-06-01 10:00:00 +0000","var_key":"dynamic","obj2":{"a":"kubernetes","n":1}})");
  std::string typed_off = one({{"auto_typecast", "false"}}, record, in);
  CHECK(typed_off.find(R"("cnt":"5")") != std::string::npos);
  CHECK(typed_off.find(R"("nested":"{\"k\"=>\"v\"}")") != std::string::npos);
  CHECK(typed_off.find(R"("missing":"")") != std::string::npos);
}

TEST_CASE("record_transformer: the json-records fixture's fields are appended in config order") {
  // nodename comes from "#{ENV['MY_NODE_NAME']}", already evaluated by the config reader.
  std::string tag =
      "kubernetes.var.log.containers.coredns-5d78c9869d-7xkzq_kube-system_coredns-"
      "5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2.log";
  std::string in =
      R"({"log":"[INFO] hi\n","stream":"stdout","file_name":"/var/log/containers/x.log"})";
  CHECK(
      one({}, {{"nodename", "node-1"}, {"tag_copy", "${tag}"}}, in, tag) ==
      R"({"log":"[INFO] hi\n","stream":"stdout","file_name":"/var/log/containers/x.log","nodename":"node-1","tag_copy":")" +
          tag + R"("})");
}

TEST_CASE("record_transformer: tag placeholders with positive and negative indexes") {
  KV rec = {{"p0", "${tag_parts[0]}"},    {"pm2", "${tag_parts[-2]}"},
            {"pre0", "${tag_prefix[0]}"}, {"prem1", "${tag_prefix[-1]}"},
            {"suf1", "${tag_suffix[1]}"}, {"sufm1", "${tag_suffix[-1]}"},
            {"out", "${tag_parts[9]}"},   {"lead0", "${tag_parts[01]}"}};
  CHECK(
      one({}, rec, "{}", "a.b.c") ==
      R"({"p0":"a","pm2":"b","pre0":"a","prem1":"a.b.c","suf1":"b.c","sufm1":"c","out":null,"lead0":null})");
}

TEST_CASE("record_transformer: hostname is this host's name") {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  CHECK(one({}, {{"h", "${hostname}"}, {"h2", "on ${hostname}"}}, "{}") ==
        std::string(R"({"h":")") + host + R"(","h2":"on )" + host + R"("})");
}

TEST_CASE("record_transformer: placeholders Fluentd does not know expand to nil or empty") {
  KV rec = {{"sq", "${record['a']}"},
            {"nest", "${record[\"a\"][\"b\"]}"},
            {"short", "${a}"},
            {"legacy", "x__TAG__y"},
            {"embedded", "<${nope}>"}};
  CHECK(one({}, rec, R"({"a":{"b":1}})") ==
        R"({"a":{"b":1},"sq":null,"nest":null,"short":null,"legacy":"xy","embedded":"<>"})");
}

TEST_CASE("record_transformer: non-string values embedded in text use Ruby's to_s and inspect") {
  KV rec = {{"t",
             "i=${record[\"i\"]} f=${record[\"f\"]} b=${record[\"b\"]} n=${record[\"n\"]} "
             "a=${record[\"a\"]}"}};
  CHECK(
      one({}, rec, R"({"i":-3,"f":2.50,"b":false,"n":null,"a":[1,"x",{"k":null}]})") ==
      R"({"i":-3,"f":2.5,"b":false,"n":null,"a":[1,"x",{"k":null}],"t":"i=-3 f=2.5 b=false n= a=[1, \"x\", {\"k\"=>nil}]"})");
}

TEST_CASE("record_transformer: unicode passes through untouched") {
  CHECK(one({}, {{"copy", "→ ${record[\"m\"]} ✓"}}, R"({"m":"café 日本語 😀"})") ==
        R"({"m":"café 日本語 😀","copy":"→ café 日本語 😀 ✓"})");
}

TEST_CASE("record_transformer: values written as JSON keep their types; invalid JSON is a string") {
  auto b = make_filter(
      "record_transformer",
      element(
          "filter", {},
          {element("record", {{"bad", "{not json"}, {"arr", R"([1,"${tag}",true,null,1.5])"}})}));
  REQUIRE(b->filter);
  REQUIRE(b->diags.items().size() == 1);
  CHECK(b->diags.items()[0].severity == config::Severity::kWarning);
  CHECK(b->diags.items()[0].message ==
        "failed to parse {not json as json. Assuming {not json is a string");
  EventBatch in = batch("t.x", {"{}"}), out;
  b->filter->filter(in, out);
  CHECK(entries(out)[0].json == R"({"bad":"{not json","arr":[1,"t.x",true,null,1.5]})");
}

TEST_CASE("record_transformer: plain values are strings, later duplicates win in place") {
  Run r;
  auto b = make_filter("record_transformer",
                       element("filter", {},
                               {element("record", {{"count", "1"}, {"a", "first"}}),
                                element("record", {{"count", "2"}})}));
  REQUIRE(b->filter);
  EventBatch in = batch("t", {R"({"x":0})"}), out;
  b->filter->filter(in, out);
  CHECK(entries(out)[0].json == R"({"x":0,"count":"2","a":"first"})");
}

TEST_CASE(
    "record_transformer: renew_record, keep_keys, renew_time_key, nested remove_keys (spec A.4)") {
  Run r = transform({{"renew_record", "true"},
                     {"keep_keys", "a,ts,nest"},
                     {"renew_time_key", "ts"},
                     {"remove_keys", "$.nest.x,ts"}},
                    {{"added", "1"}}, R"({"a":1,"b":2,"ts":"1600000000.75","nest":{"x":1,"y":2}})");
  REQUIRE(r.result.size() == 1);
  CHECK(r.result[0].json == R"({"a":1,"nest":{"y":2},"added":"1"})");
  CHECK(r.result[0].time == EventTime{1600000000, 750000000});

  Run iso = transform({{"renew_time_key", "ts"}}, {}, R"({"ts":"2020-06-01T10:00:00Z"})");
  CHECK(iso.result[0].time == EventTime{2020, 0});
  CHECK(iso.result[0].json == R"({"ts":"2020-06-01T10:00:00Z"})");

  Run num = transform({{"renew_time_key", "ts"}}, {}, R"({"ts":1600000000})");
  CHECK(num.result[0].time == EventTime{1600000000, 0});

  // A map has no to_f: the event becomes an error event.
  Run bad = transform({{"renew_time_key", "ts"}}, {}, R"({"ts":{"x":1}})");
  CHECK(bad.result.empty());
  CHECK(bad.built->errors.count() == 1);
}

TEST_CASE("record_transformer: keep_keys without renew_record is a config error") {
  auto b = make_filter("record_transformer", element("filter", {{"keep_keys", "a"}}));
  CHECK_FALSE(b->filter);
  REQUIRE(b->diags.has_errors());
  CHECK(b->diags.items().back().message == "`renew_record` must be true to use `keep_keys`");
}

TEST_CASE("record_transformer: remove_keys with plain and nested paths, missing ones ignored") {
  CHECK(one({{"remove_keys", "a,$.b.c,$.nope.x,$.s.x"}}, {},
            R"({"a":1,"b":{"c":2,"d":3},"s":"str"})") == R"({"b":{"d":3},"s":"str"})");
}

TEST_CASE("record_transformer: placeholders read the original record, not earlier fields") {
  CHECK(one({}, {{"a", "new"}, {"b", "${record[\"a\"]}"}}, R"({"a":"old"})") ==
        R"({"a":"new","b":"old"})");
}

TEST_CASE("record_transformer: the append-only path and the general path agree") {
  // Static keys, one of which exists in some records: both paths in one batch.
  auto b = make_filter(
      "record_transformer",
      element("filter", {}, {element("record", {{"node", "n1"}, {"tag_copy", "${tag}"}})}));
  REQUIRE(b->filter);
  EventBatch in = batch("t.a", {R"({"x":1})", R"({"node":"old","y":2})", "{}"}), out;
  b->filter->filter(in, out);
  auto e = entries(out);
  REQUIRE(e.size() == 3);
  CHECK(e[0].json == R"({"x":1,"node":"n1","tag_copy":"t.a"})");
  CHECK(e[1].json == R"({"node":"n1","y":2,"tag_copy":"t.a"})");
  CHECK(e[2].json == R"({"node":"n1","tag_copy":"t.a"})");
  CHECK(e[0].time == EventTime{1591005600, 123456789});
}

TEST_CASE("record_transformer: a producer applying its appendix gets the filter's records") {
  auto b = make_filter(
      "record_transformer",
      element("filter", {}, {element("record", {{"node", "n1"}, {"tag_copy", "${tag}"}})}));
  REQUIRE(b->filter);
  const std::vector<std::string_view> records = {R"({"x":1})", R"({"node":"old","y":2})", "{}"};
  EventBatch in = batch("t.a", {records[0], records[1], records[2]}), filtered;
  b->filter->filter(in, filtered);
  MapAppendix appendix;
  REQUIRE(b->filter->appendix_for("t.a", appendix));
  // What in_tail does: each record gets the pairs right after it is written.
  EventBatch produced;
  for (auto json : records) {
    produced.begin_entry(EventTime{1591005600, 123456789});
    size_t map_pos = produced.entries.size();
    produced.entries += mp(json);
    REQUIRE(appendix.apply_to_tail(produced.entries, map_pos));
    produced.commit_entry();
  }
  CHECK(produced.entries == filtered.entries);
  CHECK(produced.count == filtered.count);

  // Pairs that depend on the event, or that edit more than they add, are not offered.
  for (const auto& [params, record] :
       std::vector<std::pair<KV, KV>>{{{}, {{"copy", "${record[\"x\"]}"}}},
                                      {{}, {{"t", "${time}"}}},
                                      {{{"remove_keys", "x"}}, {{"a", "1"}}},
                                      {{{"renew_record", "true"}}, {{"a", "1"}}},
                                      {{}, {{"u", "${nosuch}"}}}}) {
    auto f =
        make_filter("record_transformer", element("filter", params, {element("record", record)}));
    REQUIRE(f->filter);
    MapAppendix none;
    CHECK_FALSE(f->filter->appendix_for("t.a", none));
  }
}

TEST_CASE("record_transformer: enable_ruby splits the tag into pod, namespace and container") {
  // The enable_ruby form of the idiom: tag_suffix[4] keeps dots in pod names; the container id
  // is the text after the last '-'.
  std::string tag =
      "kubernetes.var.log.containers.coredns-5d78c9869d-7xkzq_kube-system_coredns-"
      "5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2.log";
  KV ok = {{"pod_name", "${tag_suffix[4].split('_')[0]}"},
           {"namespace", "${tag_suffix[4].split('_')[1]}"},
           {"container_name", "${tag_suffix[4].split('_')[2].gsub('-' + tag.split('-').last, '')}"},
           {"docker_id", "${tag.split('-').last.split('.')[0]}"}};
  CHECK(
      one({{"enable_ruby", "true"}}, ok, "{}", tag) ==
      R"({"pod_name":"coredns-5d78c9869d-7xkzq","namespace":"kube-system","container_name":"coredns",)"
      R"("docker_id":"5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2"})");
  // Regex literals are outside the supported subset: rejected at configure time, located.
  KV rx = {
      {"a", "x"}, {"b", "y"}, {"container_name", "${tag_parts[4].gsub(/-[0-9a-f]{64}$/, '')}"}};
  auto bad = make_filter("record_transformer",
                         element("filter", {{"enable_ruby", "true"}}, {element("record", rx)}));
  CHECK_FALSE(bad->filter);
  REQUIRE(bad->diags.has_errors());
  CHECK(bad->diags.items().back().code == "unsupported-ruby");
  CHECK(bad->diags.items().back().loc.line == 4);
}

TEST_CASE("record_transformer: ${time} is whole seconds in the process's local zone") {
  auto b = make_filter("record_transformer",
                       element("filter", {}, {element("record", {{"t", "${time}"}})}));
  REQUIRE(b->filter);
  setenv("TZ", "Asia/Tokyo", 1);
  tzset();
  EventBatch in = batch("t", {"{}"}, {1591005601, 999999999}), out;
  b->filter->filter(in, out);
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(entries(out)[0].json == R"({"t":"2020-06-01 19:00:01 +0900"})");
}
