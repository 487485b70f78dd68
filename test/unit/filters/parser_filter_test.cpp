#include <catch2/catch.hpp>

#include "filter_util.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {

struct Out {
  std::vector<Entry> events;
  std::vector<Entry> errors;
};

Out parse(const KV& params, const KV& parse_section,
          std::initializer_list<std::string_view> records, EventTime time = {1591005600, 0}) {
  auto b = make_filter("parser", element("filter", params, {element("parse", parse_section)}));
  REQUIRE(b->filter);
  EventBatch in = batch("t", records, time), out;
  b->filter->filter(in, out);
  Out o;
  o.events = entries(out);
  for (const auto& eb : b->errors.batches)
    for (auto& e : entries(eb)) o.errors.push_back(e);
  return o;
}

const KV kJson = {{"@type", "json"}};

}  // namespace

TEST_CASE("parser filter: spec A.4 vectors with reserve_data and remove_key_name_field") {
  KV p = {{"key_name", "log"}, {"reserve_data", "true"}, {"remove_key_name_field", "true"}};
  EventTime before = EventTime::now();
  Out ok = parse(p, kJson, {R"({"log":"{\"level\":\"info\"}","stream":"stdout"})"});
  REQUIRE(ok.events.size() == 1);
  CHECK(ok.events[0].json == R"({"stream":"stdout","level":"info"})");
  CHECK(ok.events[0].time >= before);  // no time in the payload: now
  CHECK(ok.errors.empty());

  Out bad = parse(p, kJson, {R"({"log":"not json","stream":"stderr"})"});
  REQUIRE(bad.events.size() == 1);
  CHECK(bad.events[0].json == R"({"log":"not json","stream":"stderr"})");
  CHECK(bad.events[0].time == EventTime{1591005600, 0});
  CHECK(bad.errors.size() == 1);

  Out missing = parse(p, kJson, {R"({"stream":"x"})"});
  REQUIRE(missing.events.size() == 1);
  CHECK(missing.events[0].json == R"({"stream":"x"})");
  CHECK(missing.errors.size() == 1);
}

TEST_CASE("parser filter: hash_value_field and inject_key_prefix") {
  Out o = parse({{"key_name", "log"}, {"hash_value_field", "parsed"}, {"inject_key_prefix", "p_"}},
                kJson, {R"({"log":"{\"level\":\"info\"}"})"});
  REQUIRE(o.events.size() == 1);
  CHECK(o.events[0].json == R"({"parsed":{"p_level":"info"}})");
}

TEST_CASE(
    "parser filter: without reserve_data only parsed values remain; failures are error events") {
  Out o = parse({{"key_name", "log"}}, kJson,
                {R"({"log":"{\"a\":1}","x":2})", R"({"log":"nope"})", R"({"x":1})"});
  REQUIRE(o.events.size() == 1);
  CHECK(o.events[0].json == R"({"a":1})");
  CHECK(o.errors.size() == 2);
  CHECK(o.errors[0].json == R"({"log":"nope"})");

  Out quiet = parse({{"key_name", "log"}, {"emit_invalid_record_to_error", "false"}}, kJson,
                    {R"({"log":"nope"})"});
  CHECK(quiet.events.empty());
  CHECK(quiet.errors.empty());
}

TEST_CASE("parser filter: reserve_time keeps the event time; a parsed time replaces it otherwise") {
  KV parse_json = {{"@type", "json"}, {"time_key", "ts"}, {"time_type", "unixtime"}};
  Out keep = parse({{"key_name", "log"}, {"reserve_time", "true"}}, parse_json,
                   {R"({"log":"{\"ts\":1600000000}"})"});
  REQUIRE(keep.events.size() == 1);
  CHECK(keep.events[0].time == EventTime{1591005600, 0});
  Out take = parse({{"key_name", "log"}}, parse_json, {R"({"log":"{\"ts\":1600000000}"})"});
  REQUIRE(take.events.size() == 1);
  CHECK(take.events[0].time == EventTime{1600000000, 0});
}

TEST_CASE("parser filter: nested key_name and the regexp parser") {
  KV rx = {{"@type", "regexp"}, {"expression", "/^(?<level>\\w+): (?<msg>.*)$/"}};
  Out o = parse({{"key_name", "$.k.line"}, {"reserve_data", "true"}}, rx,
                {R"({"k":{"line":"WARN: disk ✓"},"n":1})", R"({"k":{"line":"garbage"}})"});
  REQUIRE(o.events.size() == 2);
  CHECK(o.events[0].json == R"({"k":{"line":"WARN: disk ✓"},"n":1,"level":"WARN","msg":"disk ✓"})");
  CHECK(o.events[1].json == R"({"k":{"line":"garbage"}})");
  CHECK(o.errors.size() == 1);
}

TEST_CASE("parser filter: the none parser and remove_key_name_field on a nested path") {
  Out o =
      parse({{"key_name", "$.a.b"}, {"reserve_data", "true"}, {"remove_key_name_field", "true"}},
            {{"@type", "none"}}, {R"({"a":{"b":"text","c":1}})"});
  REQUIRE(o.events.size() == 1);
  CHECK(o.events[0].json == R"({"a":{"c":1},"message":"text"})");
}

TEST_CASE("parser filter: <parse> is required") {
  auto b = make_filter("parser", element("filter", {{"key_name", "log"}}));
  CHECK_FALSE(b->filter);
  CHECK(b->diags.has_errors());
}
