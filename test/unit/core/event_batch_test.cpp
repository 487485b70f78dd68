#include "core/event_batch.hpp"

#include <catch2/catch.hpp>

using namespace shipper;

TEST_CASE("EventBatch entries are [EventTime, record] msgpack arrays") {
  EventBatch b;
  b.tag = "t";
  std::string rec;
  MsgpackWriter w(rec);
  w.map_header(1);
  w.str("k");
  w.str("v");
  b.append({0x5ed4d1e0, 5}, rec);
  REQUIRE(b.count == 1);
  // 92 d7 00 <sec> <nsec> 81 a1 'k' a1 'v'
  const std::string expected("\x92\xd7\x00\x5e\xd4\xd1\xe0\x00\x00\x00\x05\x81\xa1k\xa1v", 16);
  CHECK(b.entries == expected);

  EntryReader r(b.entries);
  EntryView e;
  REQUIRE(r.next(e));
  CHECK(e.time == EventTime{0x5ed4d1e0, 5});
  CHECK(e.record == rec);
  CHECK_FALSE(r.next(e));
  CHECK(r.ok());
}

TEST_CASE("EntryReader stops on truncated bytes") {
  EventBatch b;
  b.append({1, 2}, std::string("\x80", 1));
  std::string cut = b.entries.substr(0, b.entries.size() - 1);
  EntryReader r(cut);
  EntryView e;
  CHECK_FALSE(r.next(e));
  CHECK_FALSE(r.ok());
}
