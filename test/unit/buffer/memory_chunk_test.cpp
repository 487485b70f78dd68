#include <catch2/catch.hpp>

#include <set>

#include "buffer/memory_buffer.hpp"

using namespace shipper;
using namespace shipper::buffer;

namespace {
// A chunk holding `text`, committed.
std::unique_ptr<MemoryChunk> filled(const std::shared_ptr<SpareStorage>& spare,
                                    std::string_view text) {
  auto c = std::make_unique<MemoryChunk>(1 << 20, spare);
  REQUIRE(c->append(text, 1).is_ok());
  REQUIRE(c->commit(0).is_ok());
  return c;
}
}  // namespace

TEST_CASE("purged memory chunks' storage goes, emptied, to the next chunks; two are kept") {
  auto spare = std::make_shared<SpareStorage>();
  auto first = filled(spare, "abc");
  auto second = filled(spare, "def");
  std::set<const char*> purged = {first->raw_view()->data(), second->raw_view()->data()};
  REQUIRE(first->purge().is_ok());
  REQUIRE(second->purge().is_ok());
  CHECK(first->raw_view()->empty());

  auto third = filled(spare, "xy");
  auto fourth = filled(spare, "z");
  CHECK(purged.count(third->raw_view()->data()) == 1);
  CHECK(purged.count(fourth->raw_view()->data()) == 1);
  CHECK(third->raw_view()->data() != fourth->raw_view()->data());
  CHECK(*third->raw_view() == "xy");
  CHECK(*fourth->raw_view() == "z");

  // The spares are spent: a chunk started meanwhile gets storage of its own.
  auto fifth = filled(spare, "w");
  CHECK(purged.count(fifth->raw_view()->data()) == 0);
  CHECK(*fifth->raw_view() == "w");
}
