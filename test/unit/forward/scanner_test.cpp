// Bounded scanning of untrusted msgpack streams, and decoding of odd but valid requests.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "core/msgpack_writer.hpp"
#include "fixture_util.hpp"
#include "io/forward/msgpack_scanner.hpp"
#include "io/forward/request.hpp"

using namespace shipper;
using namespace shipper::forward;
using Result = MsgpackScanner::Result;

TEST_CASE("a 1 GB str32 length prefix is rejected from its header alone") {
  MsgpackScanner s(8 << 20);
  std::string head("\x93\xa4test\xdb\x40\x00\x00\x00", 11);
  size_t used = 0;
  CHECK(s.scan(head.data(), head.size(), &used) == Result::kError);
  CHECK(s.error().find("exceeds") != std::string::npos);
}

TEST_CASE("an array header claiming 4 billion elements is rejected") {
  MsgpackScanner s(8 << 20);
  std::string head = "\xdd\xff\xff\xff\xff";
  size_t used = 0;
  CHECK(s.scan(head.data(), head.size(), &used) == Result::kError);
  MsgpackScanner m(8 << 20);
  std::string map = "\xdf\x7f\xff\xff\xff";
  CHECK(m.scan(map.data(), map.size(), &used) == Result::kError);
}

TEST_CASE("objects split at every byte boundary are found exactly") {
  std::string bytes = forward::test::read_fixture("in_forward_ack/3_forward_chunk.request.bin");
  bytes += forward::test::read_fixture("in_forward_ack/4_message_chunk.request.bin");
  bytes += "\xc0";  // nil heartbeat
  auto whole = forward::test::split_objects(bytes);
  REQUIRE(whole.size() == 3);
  for (size_t piece : {1, 2, 3, 7, 64}) {
    MsgpackScanner s(1 << 20);
    std::vector<std::string> found;
    std::string cur;
    for (size_t off = 0; off < bytes.size(); off += piece) {
      std::string_view chunk(bytes.data() + off, std::min(piece, bytes.size() - off));
      size_t pos = 0;
      while (pos < chunk.size()) {
        size_t used = 0;
        auto r = s.scan(chunk.data() + pos, chunk.size() - pos, &used);
        REQUIRE(r != Result::kError);
        cur.append(chunk.data() + pos, used);
        pos += used;
        if (r == Result::kComplete) {
          found.push_back(cur);
          cur.clear();
          s.reset();
        }
      }
    }
    CHECK(found == whole);
    CHECK(cur.empty());
  }
}

TEST_CASE("the object size limit counts every byte") {
  std::string obj;
  MsgpackWriter w(obj);
  w.array_header(3);
  w.str("tag");
  w.str(std::string(1000, 'x'));
  w.map_header(0);
  MsgpackScanner ok(obj.size());
  size_t used = 0;
  CHECK(ok.scan(obj.data(), obj.size(), &used) == Result::kComplete);
  CHECK(used == obj.size());
  MsgpackScanner small(obj.size() - 1);
  CHECK(small.scan(obj.data(), obj.size(), &used) == Result::kError);
}

TEST_CASE("random and truncated input never crashes the scanner or the decoder") {
  std::mt19937 rng(12345);
  std::string seed =
      forward::test::read_fixture("in_forward_ack/1_packedforward_chunk.request.bin");
  seed += forward::test::read_fixture("in_forward_ack/2_compressedpackedforward_chunk.request.bin");
  seed += forward::test::read_fixture("in_forward_ack/3_forward_chunk.request.bin");
  seed += forward::test::read_fixture("in_forward_ack/4_message_chunk.request.bin");
  REQUIRE(seed.size() > 1000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int runs = 0;
  for (; runs < 20000 && std::chrono::steady_clock::now() < deadline; ++runs) {
    std::string input;
    switch (runs % 3) {
      case 0: {  // random bytes
        input.resize(rng() % 300);
        for (auto& c : input) c = static_cast<char>(rng());
        break;
      }
      case 1: {  // mutated valid frames
        input = seed;
        for (int k = 0, n = 1 + rng() % 8; k < n; ++k)
          input[rng() % input.size()] = static_cast<char>(rng());
        break;
      }
      default:  // truncated valid frames
        input = seed.substr(0, rng() % seed.size());
    }
    MsgpackScanner s(1 << 20);
    size_t off = 0;
    int objects = 0;
    while (off < input.size() && objects < 1000) {
      size_t used = 0;
      auto r = s.scan(input.data() + off, input.size() - off, &used);
      if (r != Result::kComplete) break;
      REQUIRE(used > 0);
      DecodedRequest req;
      std::string scratch;
      decode_request(std::string_view(input).substr(off, used), NormalizeSettings{}, req, scratch);
      // Whatever came out is well-formed [EventTime, map] entries.
      EntryReader reader(req.batch.entries);
      EntryView e;
      uint32_t n = 0;
      while (reader.next(e)) ++n;
      REQUIRE(reader.ok());
      REQUIRE(n == req.batch.count);
      off += used;
      s.reset();
      ++objects;
    }
  }
  CHECK(runs > 100);
}

TEST_CASE("times: ext8, integers, zero, nested [time, metadata], and invalid events") {
  std::string obj;
  MsgpackWriter w(obj);
  w.array_header(3);
  w.str("t");
  w.array_header(6);
  // 1: fixext8 EventTime
  w.array_header(2), w.event_time({1700000000, 5}), w.map_header(1), w.str("a"), w.integer(1);
  // 2: ext8 form of EventTime
  w.array_header(2);
  w.raw(std::string("\xc7\x08\x00\x65\x53\xf1\x00\x00\x00\x00\x07", 11));
  w.map_header(1), w.str("a"), w.integer(2);
  // 3: integer seconds
  w.array_header(2), w.integer(1700000001), w.map_header(1), w.str("a"), w.integer(3);
  // 4: time 0 becomes now
  w.array_header(2), w.integer(0), w.map_header(1), w.str("a"), w.integer(4);
  // 5: Fluent Bit's [[time, metadata], record]
  w.array_header(2), w.array_header(2), w.event_time({1700000002, 0}), w.map_header(0);
  w.map_header(1), w.str("a"), w.integer(5);
  // 6: invalid: string time
  w.array_header(2), w.str("yesterday"), w.map_header(1), w.str("a"), w.integer(6);
  w.map_header(1), w.str("chunk"), w.str("abc");

  DecodedRequest req;
  std::string scratch;
  NormalizeSettings s;
  s.extra_fields = {{"source", "127.0.0.1"}};
  decode_request(obj, s, req, scratch);
  REQUIRE(req.outcome == DecodedRequest::Outcome::kEvents);
  CHECK(req.mode == Mode::kForward);
  CHECK(req.batch.count == 5);
  CHECK(req.invalid == 1);
  CHECK(req.options.has_chunk);
  EntryReader reader(req.batch.entries);
  EntryView e;
  std::vector<EventTime> times;
  while (reader.next(e)) {
    times.push_back(e.time);
    auto o = msgpack::unpack(e.record.data(), e.record.size());
    auto m = o.get().as<std::map<std::string, msgpack::object>>();
    CHECK(m.at("source").as<std::string>() == "127.0.0.1");
  }
  REQUIRE(times.size() == 5);
  CHECK(times[0] == EventTime{1700000000, 5});
  CHECK(times[1] == EventTime{1700000000, 7});
  CHECK(times[2] == EventTime{1700000001, 0});
  CHECK(times[3].sec > 1700000000u);
  CHECK(times[4] == EventTime{1700000002, 0});
}

TEST_CASE("requests that are not arrays, nil heartbeats and bad compression") {
  DecodedRequest req;
  std::string scratch;
  decode_request(std::string("\xc0", 1), {}, req, scratch);
  CHECK(req.outcome == DecodedRequest::Outcome::kNil);
  decode_request(std::string("\x81\xa1k\x01", 4), {}, req, scratch);
  CHECK(req.outcome == DecodedRequest::Outcome::kNotArray);
  std::string obj;
  MsgpackWriter w(obj);
  w.array_header(3), w.str("t"), w.str("not gzip at all"), w.map_header(1);
  w.str("compressed"), w.str("gzip");
  decode_request(obj, {}, req, scratch);
  CHECK(req.outcome == DecodedRequest::Outcome::kError);
}
