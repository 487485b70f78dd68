#include <catch2/catch.hpp>

#include "buffer/memory_buffer.hpp"

using namespace shipper;
using namespace shipper::buffer;

TEST_CASE("a purged memory chunk's storage goes, emptied, to the next chunk; one is kept") {
  auto spare = std::make_shared<SpareStorage>();
  MemoryChunk first(1 << 20, spare);
  REQUIRE(first.append("abc", 1).is_ok());
  REQUIRE(first.commit(0).is_ok());
  const char* storage = first.raw_view()->data();
  REQUIRE(first.purge().is_ok());
  CHECK(first.raw_view()->empty());

  MemoryChunk second(1 << 20, spare);
  REQUIRE(second.append("xy", 1).is_ok());
  REQUIRE(second.commit(0).is_ok());
  CHECK(second.raw_view()->data() == storage);
  CHECK(*second.raw_view() == "xy");

  // The spare is spent: a chunk started meanwhile gets storage of its own.
  MemoryChunk third(1 << 20, spare);
  REQUIRE(third.append("z", 1).is_ok());
  REQUIRE(third.commit(0).is_ok());
  CHECK(third.raw_view()->data() != storage);
  CHECK(*third.raw_view() == "z");
}
