#include <catch2/catch.hpp>

#include "buffer/placeholders.hpp"

using namespace shipper;
using namespace shipper::buffer;

TEST_CASE("placeholders expand tag parts, time, record keys and chunk id") {
  auto keys = parse_chunk_keys({"tag", "time", "k"}, 86400, false, std::string("+0900")).value();
  ChunkMetadata m;
  m.tag = "kube.var.log.app";
  m.timekey = 1590969600 - 9 * 3600;  // 2020-06-01 00:00 +0900
  m.variables.emplace();
  m.variables->emplace_back("k", "v1");
  auto out = expand_placeholders("/logs/${tag[1]}/${tag[-1]}/${k}/%Y%m%d-%H%z/${tag}.${chunk_id}",
                                 m, keys, "66106c46cb833d379693d7c854545e47");
  REQUIRE(out.is_ok());
  CHECK(*out ==
        "/logs/var/app/v1/20200601-00+0900/kube.var.log.app.66106c46cb833d379693d7c854545e47");
}

TEST_CASE("placeholder values may not make a path escape") {
  auto keys = parse_chunk_keys({"tag", "k"}, 0, false, std::nullopt).value();
  ChunkMetadata m;
  m.tag = "a";
  m.variables.emplace();
  m.variables->emplace_back("k", "../../etc");
  auto out = expand_placeholders("/logs/${k}/x", m, keys, "");
  REQUIRE_FALSE(out.is_ok());
  CHECK(out.status().code() == StatusCode::kInvalidArgument);
  m.variables->back().second = "/abs";
  CHECK_FALSE(expand_placeholders("/logs/${k}", m, keys, "").is_ok());
}

TEST_CASE("placeholders are validated against chunk keys like Fluentd") {
  auto tag_time = parse_chunk_keys({"tag", "time"}, 3600, true, std::nullopt).value();
  CHECK(validate_placeholders("path", "/l/${tag}/%Y%m%d%H", tag_time).empty());
  CHECK(validate_placeholders("path", "/l/${tag}/%Y%m%d", tag_time) ==
        "Parameter 'path: /l/${tag}/%Y%m%d' doesn't have timestamp placeholder for day('%d') for "
        "timekey 3600");
  CHECK(validate_placeholders("path", "/l/%Y%m%d%H", tag_time) ==
        "Parameter 'path: /l/%Y%m%d%H' doesn't have tag placeholder");
  CHECK(validate_placeholders("path", "/l/${tag}", tag_time) ==
        "Parameter 'path: /l/${tag}' doesn't have timestamp placeholders for timekey 3600");
  auto none = parse_chunk_keys({}, 0, true, std::nullopt).value();
  CHECK(
      validate_placeholders("path", "/l/%Y", none).empty());  // a year alone is no time placeholder
  CHECK(validate_placeholders("path", "/l/%Y%m%d", none) ==
        "Parameter 'path: /l/%Y%m%d' has timestamp placeholders, but chunk key 'time' is not "
        "configured");
  CHECK(
      validate_placeholders("path", "/l/${tag[0]}", none) ==
      "Parameter 'path: /l/${tag[0]}' has tag placeholders, but chunk key 'tag' is not configured");
  auto rec = parse_chunk_keys({"a", "b"}, 0, true, std::nullopt).value();
  CHECK(validate_placeholders("path", "/l/${a}", rec) ==
        "Parameter 'path: /l/${a}' doesn't have enough placeholders for keys b");
  CHECK(validate_placeholders("path", "/l/${a}/${b}/${c}", rec) ==
        "Parameter 'path: /l/${a}/${b}/${c}' has unknown placeholders: c");
}
