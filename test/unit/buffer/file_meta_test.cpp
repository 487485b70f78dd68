#include <catch2/catch.hpp>

#include "buffer/file_meta.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::buffer;
using buffer_test::slurp;

TEST_CASE("Fluentd 1.18 .meta files decode and re-encode byte for byte") {
  const char* names[] = {"buffer.b66106c46cb9c1f673f15c92a94d5dec9.log.meta",
                         "buffer.b66106c46cb9e9e2a7aa4e8d2573ff8bc.log.meta",
                         "buffer.q66106c46cb833d379693d7c854545e47.log.meta",
                         "buffer.q66106c46cb9766d61d0c67a2646253ce.log.meta"};
  for (const char* name : names) {
    std::string bytes = slurp(buffer_test::fixture_dir() + "/" + name);
    REQUIRE(bytes.size() > 6);
    auto meta = decode_chunk_meta(bytes);
    REQUIRE(meta.is_ok());
    std::string hex(name + 8, 32);
    CHECK(chunk_id_hex(meta->id) == hex);
    CHECK(encode_chunk_meta(*meta) == bytes);
  }
  auto q = decode_chunk_meta(
      slurp(buffer_test::fixture_dir() + "/buffer.q66106c46cb833d379693d7c854545e47.log.meta"));
  CHECK(q->metadata.timekey == std::optional<int64_t>(1591005600));
  CHECK(q->metadata.tag->rfind("kubernetes.var.log.containers.coredns-", 0) == 0);
  CHECK_FALSE(q->metadata.variables.has_value());
  CHECK(q->records == 1);
  CHECK(q->created == 1795531553);
  CHECK(q->modified == 1795531553);
}

TEST_CASE("meta layout built byte by byte from the spec matches the writer") {
  // <buffer tag,time,k>, tag test.b, k = v1, timekey 0x6b059860, 25 events (spec §5.4).
  ChunkMeta m;
  m.metadata.timekey = 0x6b059860;
  m.metadata.tag = "test.b";
  m.metadata.variables.emplace();
  m.metadata.variables->emplace_back("k", "v1");
  for (int i = 0; i < 16; ++i) m.id[i] = static_cast<uint8_t>(i);
  m.records = 25;
  m.created = 0x6b059be4;
  m.modified = 0x6b059be8;
  std::string body;
  auto add = [&](std::initializer_list<int> bs) {
    for (int b : bs) body += static_cast<char>(b);
  };
  auto str = [&](const std::string& s) {
    body += static_cast<char>(0xa0 | s.size());
    body += s;
  };
  add({0x88});
  str("timekey");
  add({0xce, 0x6b, 0x05, 0x98, 0x60});
  str("tag");
  str("test.b");
  str("variables");
  add({0x81});
  str("k");
  str("v1");
  str("seq");
  add({0x00});
  str("id");
  add({0xc4, 0x10});
  for (int i = 0; i < 16; ++i) body += static_cast<char>(i);
  str("s");
  add({0x19});
  str("c");
  add({0xce, 0x6b, 0x05, 0x9b, 0xe4});
  str("m");
  add({0xce, 0x6b, 0x05, 0x9b, 0xe8});
  std::string expected = std::string("\xc1\x00", 2);
  expected += std::string("\x00\x00\x00", 3) + static_cast<char>(body.size());
  expected += body;
  CHECK(body.size() == 0x54);
  CHECK(encode_chunk_meta(m) == expected);
}

TEST_CASE("legacy meta without header is read; broken meta is rejected") {
  ChunkMeta m;
  m.id[0] = 1;
  m.created = m.modified = 100;
  std::string full = encode_chunk_meta(m);
  auto legacy = decode_chunk_meta(full.substr(6));
  REQUIRE(legacy.is_ok());
  CHECK(legacy->created == 100);
  m.created = 0;
  CHECK(decode_chunk_meta(encode_chunk_meta(m)).status().code() == StatusCode::kCorrupt);
  CHECK_FALSE(decode_chunk_meta("\xc1\x00\x00\x00\x00\x20garbage").is_ok());
  CHECK_FALSE(decode_chunk_meta("").is_ok());
}

TEST_CASE("chunk ids carry the creation time in microseconds in their first 52 bits") {
  uint64_t us = 1795531553421363ull;
  ChunkId id = generate_chunk_id(us);
  uint64_t head = 0;
  for (int i = 0; i < 8; ++i) head = head << 8 | id[i];
  CHECK((head >> 12) == us);
  CHECK(chunk_id_hex(id).substr(0, 13) == "66106c46cb833");
  CHECK(chunk_id_from_hex(chunk_id_hex(id)).value() == id);
}
