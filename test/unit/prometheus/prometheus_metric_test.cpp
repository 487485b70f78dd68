#include <catch2/catch.hpp>

#include "core/msgpack_writer.hpp"
#include "engine/prometheus_metric.hpp"

using namespace shipper;
using prometheus_metric::expand;

TEST_CASE("tag placeholders expand as fluent-plugin-prometheus does") {
  const std::string tag = "a.b.c";
  CHECK(expand("${tag}", tag, nullptr, "h", 0) == "a.b.c");
  CHECK(expand("${tag_parts[0]}-${tag_parts[-1]}", tag, nullptr, "h", 0) == "a-c");
  CHECK(expand("${tag_prefix[1]}", tag, nullptr, "h", 0) == "a.b");
  CHECK(expand("${tag_suffix[0]}", tag, nullptr, "h", 0) == "c");
  CHECK(expand("${tag_suffix[1]}", tag, nullptr, "h", 0) == "b.c");
  CHECK(expand("${hostname}/${worker_id}", tag, nullptr, "host1", 3) == "host1/3");
  // Out of range or unknown: kept as written.
  CHECK(expand("${tag_parts[7]}", tag, nullptr, "h", 0) == "${tag_parts[7]}");
  CHECK(expand("x ${nope} y", tag, nullptr, "h", 0) == "x ${nope} y");
  CHECK(expand("plain", tag, nullptr, "h", 0) == "plain");
}

TEST_CASE("record placeholders read top-level keys") {
  std::string buf;
  MsgpackWriter w(buf);
  w.map_header(2);
  w.str("svc");
  w.str("api");
  w.str("n");
  w.integer(7);
  MpValue record;
  REQUIRE(mp_decode(buf, record));
  CHECK(expand("${svc}:${n}", "t", &record, "h", 0) == "api:7");
  CHECK(expand("${missing}", "t", &record, "h", 0) == "${missing}");
}
