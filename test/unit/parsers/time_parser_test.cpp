// Appendix A.2 of the spec: Fluentd's time parsing, vector by vector.
#include <catch2/catch.hpp>

#include "core/time_parser.hpp"
#include "parser_test_util.hpp"

using namespace shipper;
using shipper::test::ScopedTz;
using shipper::test::utc;

namespace {

TimeParser make(const std::string& format, const std::string& type = "string", bool is_utc = false,
                std::optional<std::string> tz = std::nullopt) {
  TimeParserConfig c;
  c.time_type = type;
  if (!format.empty()) c.time_format = format;
  c.utc = is_utc;
  c.timezone = tz;
  std::string err;
  auto p = TimeParser::create(c, &err);
  REQUIRE(p);
  return *p;
}

EventTime parse_ok(const TimeParser& p, std::string_view v) {
  EventTime t;
  std::string err;
  INFO("value " << v << " error " << err);
  REQUIRE(p.parse(v, t, &err));
  return t;
}

bool fails(const TimeParser& p, std::string_view v, std::string* err = nullptr) {
  EventTime t;
  std::string e;
  bool ok = p.parse(v, t, &e);
  if (err) *err = e;
  return !ok;
}

}  // namespace

TEST_CASE("ISO-8601 with %N%z: offsets and nanoseconds") {
  ScopedTz tz("UTC");
  auto p = make("%Y-%m-%dT%H:%M:%S.%N%z");
  auto t = parse_ok(p, "2020-06-01T10:00:00.123456789+09");
  CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
  CHECK(t.nsec == 123456789);
  t = parse_ok(p, "2020-06-01T12:00:05.5+02:00");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 5));
  CHECK(t.nsec == 500000000);
  t = parse_ok(p, "2020-06-01T10:00:00.000000004Z");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 0));
  CHECK(t.nsec == 4);
  t = parse_ok(p, "2020-06-01T10:00:00.1-0130");
  CHECK(t.sec == utc(2020, 6, 1, 11, 30, 0));
}

TEST_CASE("a timestamp without a fraction fails %S.%N with Fluentd's message") {
  auto p = make("%Y-%m-%dT%H:%M:%S.%N%z");
  std::string err;
  CHECK(fails(p, "2020-06-01T10:00:00Z", &err));
  CHECK(err ==
        "invalid time format: value = 2020-06-01T10:00:00Z, error_class = ArgumentError, error = "
        "string doesn't match");
  CHECK(fails(p, "2020-06-01T10:00:01Z"));
}

TEST_CASE("a literal Z is local time; 1-digit fields parse") {
  auto p = make("%Y-%m-%dT%H:%M:%S.%NZ");
  {
    ScopedTz tz("UTC");
    auto t = parse_ok(p, "2020-6-1T1:2:3.5Z");
    CHECK(t.sec == utc(2020, 6, 1, 1, 2, 3));
    CHECK(t.nsec == 500000000);
  }
  {
    ScopedTz tz("Asia/Tokyo");
    auto p2 = make("%Y-%m-%dT%H:%M:%S.%NZ");
    auto t = parse_ok(p2, "2020-06-01T10:00:00.123456789Z");
    CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
    CHECK(t.nsec == 123456789);
  }
  CHECK(fails(p, "2020-06-01T10:00:00.1234567891234Z"));
}

TEST_CASE("Ruby fallback: %L reads any fraction length, %z accepts +09:00") {
  ScopedTz tz("UTC");
  auto p = make("%Y-%m-%dT%H:%M:%S.%L%z");
  auto t = parse_ok(p, "2020-06-01T10:00:00.123456+09:00");
  CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
  CHECK(t.nsec == 123456000);
  t = parse_ok(p, "2020-06-01T10:00:00.123456789123Z");
  CHECK(t.nsec == 123456789);
  CHECK(fails(p, "2020-06-01T10:00:00Z"));
  auto q = make("%Y-%m-%d %H:%M:%S.%L", "string", true);
  t = parse_ok(q, "2020-06-01 10:00:00.123456789");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 0));
  CHECK(t.nsec == 123456789);
}

TEST_CASE("%s, %iso8601, month names, normalisation, optional whitespace") {
  ScopedTz tz("UTC");
  auto s = make("%s");
  auto t = parse_ok(s, "1591005600.5");
  CHECK(t.sec == 1591005600u);
  CHECK(t.nsec == 0);
  auto iso = make("%iso8601");
  CHECK(fails(iso, "2020-06-01 10:00:00Z"));
  t = parse_ok(iso, "2020-06-01T10:00:00.25+02:00");
  CHECK(t.sec == utc(2020, 6, 1, 8, 0, 0));
  CHECK(t.nsec == 250000000);
  {
    ScopedTz tokyo("Asia/Tokyo");
    auto iso2 = make("%iso8601", "string", true);  // utc is ignored by %iso8601
    t = parse_ok(iso2, "2020-06-01T10:00:00");
    CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
  }
  auto b = make("%b %d %H:%M:%S");
  t = parse_ok(b, "jun 1 10:00:00");
  time_t now = time(nullptr);
  struct tm tm {};
  gmtime_r(&now, &tm);
  CHECK(t.sec == utc(tm.tm_year + 1900, 6, 1, 10, 0, 0));
  auto d = make("%Y-%m-%dT%H:%M:%S");
  t = parse_ok(d, "2020-02-30T10:00:00");
  CHECK(t.sec == utc(2020, 3, 1, 10, 0, 0));
  auto ws = make("%Y-%m-%d %H:%M:%S");
  t = parse_ok(ws, "2020-06-0110:00:00");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 0));
  // trailing junk after the last directive is ignored
  auto z = make("%Y-%m-%dT%H:%M:%S.%NZ");
  t = parse_ok(z, "2020-06-01T10:00:00.123456789Zjunk");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 0));
}

TEST_CASE("numeric time types follow Fluentd's exact algorithms") {
  auto u = make("", "unixtime");
  auto t = parse_ok(u, "abc");
  CHECK(t.sec == 0);
  t = parse_ok(u, "1591005600.9");
  CHECK(t.sec == 1591005600u);
  auto f = make("", "float");
  t = parse_ok(f, "-1.5");
  CHECK(static_cast<int32_t>(t.sec) == -1);
  CHECK(t.nsec == 500000000);
  t = parse_ok(f, "1591005600.123456789");
  CHECK(t.sec == 1591005600u);
  CHECK(t.nsec == 123456789);
  t = parse_ok(f, "2020-06-01T10:00:00.123456789Z");
  CHECK(t.sec == 2020);
  CHECK(t.nsec == 123456789);
  std::string err;
  REQUIRE(f.parse_double(1591005600.987654321, t, &err));
  CHECK(t.sec == 1591005600u);
  CHECK(t.nsec == 987654200);
  t = parse_ok(f, "1591005600.1234567891");
  CHECK(t.nsec == 1234567891u);
}

TEST_CASE("timezone and utc options shift zone-less formats") {
  ScopedTz tz("UTC");
  auto p = make("%Y-%m-%d %H:%M:%S", "string", false, std::string("+09:00"));
  auto t = parse_ok(p, "2020-06-01 10:00:00");
  CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
  auto named = make("%Y-%m-%d %H:%M:%S", "string", false, std::string("Asia/Tokyo"));
  t = parse_ok(named, "2020-06-01 10:00:00");
  CHECK(t.sec == utc(2020, 6, 1, 1, 0, 0));
  TimeParserConfig bad;
  bad.timezone = "UTC";
  std::string err;
  CHECK_FALSE(TimeParser::create(bad, &err));
  CHECK(err == "Unsupported timezone 'UTC'");
}

TEST_CASE("mixed tries the format then the fallbacks") {
  ScopedTz tz("UTC");
  TimeParserConfig c;
  c.time_type = "mixed";
  c.time_format = "%Y-%m-%dT%H:%M:%S.%N%z";
  c.time_format_fallbacks = {"%Y-%m-%dT%H:%M:%S%z", "unixtime"};
  std::string err;
  auto p = TimeParser::create(c, &err);
  REQUIRE(p);
  auto t = parse_ok(*p, "2020-06-01T10:00:01Z");
  CHECK(t.sec == utc(2020, 6, 1, 10, 0, 1));
  t = parse_ok(*p, "1591005600");
  CHECK(t.sec == 1591005600u);
  CHECK(fails(*p, "garbage"));
}

TEST_CASE("format-less string times use a lenient parse") {
  ScopedTz tz("UTC");
  auto p = make("");
  auto t = parse_ok(p, "2013-02-28T12:00:00+09:00");
  CHECK(t.sec == utc(2013, 2, 28, 3, 0, 0));
  t = parse_ok(p, "28/Feb/2013:12:00:00 +0900");
  CHECK(t.sec == utc(2013, 2, 28, 3, 0, 0));
  t = parse_ok(p, "2020-06-01");
  CHECK(t.sec == utc(2020, 6, 1, 0, 0, 0));
  CHECK(fails(p, "no time here"));
}
