#include <catch2/catch.hpp>

#include "buffer/chunk_keys.hpp"
#include "core/msgpack_writer.hpp"

using namespace shipper;
using namespace shipper::buffer;

namespace {
std::string record(std::initializer_list<std::pair<std::string, std::string>> kvs) {
  std::string out;
  MsgpackWriter w(out);
  w.map_header(static_cast<uint32_t>(kvs.size()));
  for (const auto& [k, v] : kvs) {
    w.str(k);
    w.str(v);
  }
  return out;
}
}  // namespace

TEST_CASE("timekey buckets align in UTC, in a fixed zone and for negative offsets") {
  auto k = parse_chunk_keys({"time"}, 3600, true, std::nullopt);
  REQUIRE(k.is_ok());
  CHECK(k->timekey_of(1591007400) == 1591005600);  // 10:30 → 10:00 UTC
  auto day_utc = parse_chunk_keys({"time"}, 86400, true, std::nullopt);
  CHECK(day_utc->timekey_of(1591007400) == 1590969600);  // 2020-06-01T00:00Z
  auto day_tokyo = parse_chunk_keys({"time"}, 86400, false, std::string("+0900"));
  // 2020-06-01T10:30Z is 19:30 in Tokyo: the bucket starts at local midnight = 15:00Z the day
  // before.
  CHECK(day_tokyo->timekey_of(1591007400) == 1590969600 - 9 * 3600);
  auto day_la = parse_chunk_keys({"time"}, 86400, false, std::string("-07:00"));
  // 10:30Z is 03:30 in Los Angeles: its midnight is 07:00Z.
  CHECK(day_la->timekey_of(1591007400) == 1590969600 + 7 * 3600);
  CHECK(parse_utc_offset("+05:30").value() == 5 * 3600 + 1800);
  CHECK(parse_utc_offset("UTC").value() == 0);
  CHECK_FALSE(parse_utc_offset("+25").has_value());
}

TEST_CASE("chunk keys: time needs timekey, invalid names are rejected") {
  auto no_timekey = parse_chunk_keys({"tag", "time"}, 0, false, std::nullopt);
  REQUIRE_FALSE(no_timekey.is_ok());
  CHECK(no_timekey.status().message() == "timekey parameter is required for time chunk key");
  CHECK_FALSE(parse_chunk_keys({"$['a']"}, 0, false, std::nullopt).is_ok());
  CHECK_FALSE(parse_chunk_keys({"a b"}, 0, false, std::nullopt).is_ok());
  auto all = parse_chunk_keys({"tag", "time", "k", "$.a.b"}, 60, true, std::nullopt);
  REQUIRE(all.is_ok());
  CHECK(all->tag);
  CHECK(all->time);
  CHECK(all->record_keys == std::vector<std::string>{"k", "$.a.b"});
  CHECK(all->record_paths[1] == std::vector<std::string>{"a", "b"});
}

TEST_CASE("metadata from tag, time and record keys including nested paths") {
  auto k = parse_chunk_keys({"tag", "time", "k", "$.a.b"}, 3600, true, std::nullopt).value();
  std::string rec;
  MsgpackWriter w(rec);
  w.map_header(3);
  w.str("k");
  w.str("v1");
  w.str("n");
  w.integer(5);
  w.str("a");
  w.map_header(1);
  w.str("b");
  w.str("deep");
  ChunkMetadata m = k.metadata_for("test.b", EventTime{1591007400, 5}, rec);
  CHECK(m.tag == std::optional<std::string>("test.b"));
  CHECK(m.timekey == std::optional<int64_t>(1591005600));
  REQUIRE(m.variables);
  REQUIRE(m.variables->size() == 2);
  CHECK((*m.variables)[0].first == "k");
  CHECK((*m.variables)[0].second == std::optional<std::string>("v1"));
  CHECK((*m.variables)[1].second == std::optional<std::string>("deep"));

  auto missing = k.metadata_for("t", EventTime{0, 0}, record({{"other", "x"}}));
  CHECK_FALSE((*missing.variables)[0].second.has_value());  // nil is its own group
}

TEST_CASE("split_batch groups events by metadata and keeps the tag-only case zero-copy") {
  EventBatch b;
  b.tag = "app";
  b.append(EventTime{3600 * 10 + 1, 0}, record({{"k", "x"}}));
  b.append(EventTime{3600 * 11 + 1, 0}, record({{"k", "x"}}));
  b.append(EventTime{3600 * 10 + 2, 0}, record({{"k", "y"}}));
  b.append(EventTime{3600 * 10 + 3, 0}, record({{"k", "x"}}));

  std::vector<MetaGroup> groups;
  auto tag_only = parse_chunk_keys({"tag"}, 0, true, std::nullopt).value();
  split_batch(tag_only, b, false, groups);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].is_borrowed);
  CHECK(groups[0].bytes().data() == b.entries.data());
  CHECK(groups[0].count == 4);

  auto by_time_key = parse_chunk_keys({"time", "k"}, 3600, true, std::nullopt).value();
  split_batch(by_time_key, b, false, groups);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].count == 2);  // 10h, x
  CHECK(groups[1].count == 1);  // 11h, x
  CHECK(groups[2].count == 1);  // 10h, y
  size_t total = 0;
  for (auto& g : groups) total += g.bytes().size();
  CHECK(total == b.entries.size());

  // time_as_integer rewrites EventTime as integer seconds.
  split_batch(tag_only, b, true, groups);
  REQUIRE(groups.size() == 1);
  EntryReader r(groups[0].bytes());
  EntryView e;
  REQUIRE(r.next(e));
  CHECK(e.time.sec == 3600 * 10 + 1);
  CHECK(static_cast<unsigned char>(e.whole[1]) != 0xd7);
}
