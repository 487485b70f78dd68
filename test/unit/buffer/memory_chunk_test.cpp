#include <catch2/catch.hpp>

#include "buffer/memory_buffer.hpp"

using namespace shipper;
using namespace shipper::buffer;

namespace {
std::string joined(const MemoryChunk& c) {
  std::vector<std::string_view> pieces;
  REQUIRE(c.raw_pieces(pieces));
  std::string out;
  for (auto p : pieces) out.append(p);
  std::string raw;
  REQUIRE(c.read_raw(raw).is_ok());
  CHECK(raw == out);
  return out;
}
}  // namespace

TEST_CASE("memory chunk: copied bytes share one segment; a purged one's storage is reused") {
  auto spare = std::make_shared<SpareStorage>(4 << 20);
  MemoryChunk first(1 << 20, spare);
  REQUIRE(first.append("abc", 1).is_ok());
  REQUIRE(first.append("def", 1).is_ok());
  REQUIRE(first.commit(0).is_ok());
  REQUIRE(first.raw_view());
  CHECK(*first.raw_view() == "abcdef");
  const char* storage = first.raw_view()->data();
  REQUIRE(first.purge().is_ok());
  CHECK(first.raw_view()->empty());
  CHECK(spare->kept_bytes() >= 1 << 20);

  MemoryChunk second(1 << 20, spare);
  REQUIRE(second.append("xy", 1).is_ok());
  REQUIRE(second.commit(0).is_ok());
  CHECK(second.raw_view()->data() == storage);
  CHECK(*second.raw_view() == "xy");
  CHECK(spare->kept_bytes() == 0);
}

TEST_CASE("memory chunk: a big batch is taken whole; rollback returns to the last commit") {
  auto spare = std::make_shared<SpareStorage>(4 << 20);
  MemoryChunk chunk(1 << 20, spare);
  std::string small = "tiny";
  CHECK_FALSE(chunk.adopt(small, 1));
  CHECK(small == "tiny");

  REQUIRE(chunk.append("head|", 1).is_ok());
  std::string batch(MemoryChunk::kMinAdopted, 'b');
  const char* batch_bytes = batch.data();
  REQUIRE(chunk.adopt(batch, 7));
  CHECK(batch.empty());  // the caller keeps other storage to fill next
  // No spare yet: the new storage has room for a batch like the one taken.
  CHECK(batch.capacity() >= MemoryChunk::kMinAdopted);
  REQUIRE(chunk.append("|tail", 1).is_ok());
  REQUIRE(chunk.commit(0).is_ok());
  CHECK(chunk.record_count() == 9);
  CHECK(chunk.bytesize() == 5 + MemoryChunk::kMinAdopted + 5);
  CHECK_FALSE(chunk.raw_view());  // several segments: only as pieces
  std::vector<std::string_view> pieces;
  REQUIRE(chunk.raw_pieces(pieces));
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[1].data() == batch_bytes);  // taken, not copied
  const std::string committed = "head|" + std::string(MemoryChunk::kMinAdopted, 'b') + "|tail";
  CHECK(joined(chunk) == committed);

  // Written but not committed: appended bytes and a taken batch both go away.
  REQUIRE(chunk.append("more", 1).is_ok());
  std::string another(MemoryChunk::kMinAdopted, 'c');
  REQUIRE(chunk.adopt(another, 3));
  REQUIRE(chunk.append("after", 1).is_ok());
  REQUIRE(chunk.rollback().is_ok());
  CHECK(chunk.total_bytes() == committed.size());
  CHECK(joined(chunk) == committed);
  // Appends go on after the rollback.
  REQUIRE(chunk.append("!", 1).is_ok());
  REQUIRE(chunk.commit(0).is_ok());
  CHECK(joined(chunk) == committed + "!");
}

TEST_CASE("spare storage keeps at most its limit and hands out the biggest first") {
  SpareStorage spare(300);
  std::string a, b, c;
  a.reserve(100);
  b.reserve(180);
  c.reserve(200);
  spare.give(std::move(a));
  spare.give(std::move(b));
  spare.give(std::move(c));  // over the limit: dropped
  CHECK(spare.kept_bytes() >= 280);
  CHECK(spare.kept_bytes() <= 300);
  std::string out = "old";
  REQUIRE(spare.take(out));
  CHECK(out.empty());
  CHECK(out.capacity() >= 180);
  REQUIRE(spare.take(out));
  CHECK(out.capacity() >= 100);
  CHECK_FALSE(spare.take(out));
}
