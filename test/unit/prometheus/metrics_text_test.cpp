#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "engine/drop_counters.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/metrics_text.hpp"

using namespace shipper;
using namespace shipper::metrics;

TEST_CASE("label values escape backslash, quote and newline") {
  std::string out;
  append_escaped_label_value(out, "a\\b\"c\nd");
  CHECK(out == "a\\\\b\\\"c\\nd");
}

TEST_CASE("help text escapes backslash and newline but not quotes") {
  std::string out;
  append_escaped_help(out, "say \"hi\"\\\nnext");
  CHECK(out == "say \"hi\"\\\\\\nnext");
}

TEST_CASE("invalid UTF-8 in a label value becomes U+FFFD, valid UTF-8 stays") {
  std::string out;
  append_escaped_label_value(out, std::string("/var/log/\xff\xfe-\xc3\xa9.log"));
  CHECK(out == "/var/log/\xEF\xBF\xBD\xEF\xBF\xBD-\xc3\xa9.log");
}

TEST_CASE("values: integers plain, fractions shortest, special values by name") {
  auto v = [](double d) {
    std::string s;
    append_value(s, d);
    return s;
  };
  CHECK(v(0) == "0");
  CHECK(v(1024) == "1024");
  CHECK(v(-3) == "-3");
  CHECK(v(0.25) == "0.25");
  CHECK(v(99.5) == "99.5");
  CHECK(v(1e300) == "1e+300");
  CHECK(v(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(v(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(v(std::nan("")) == "NaN");
  CHECK(std::stod(v(18446744073709551615.0)) == 18446744073709551615.0);
}

TEST_CASE("names are sanitized to the metric name alphabet") {
  CHECK(sanitize_name("ok_name:x") == "ok_name:x");
  CHECK(sanitize_name("a-b.c", false) == "a_b_c");
  CHECK(sanitize_name("9lives", false) == "_lives");
  CHECK(sanitize_name("", false) == "_");
}

TEST_CASE("a family is written once with HELP and TYPE, samples in order") {
  MetricsText m;
  m.family("x_total", MetricType::kCounter, "Things.").add({{"k", "v"}}, 2);
  m.family("y", MetricType::kGauge, "Y.").add({}, 1.5);
  // Same name again: the first registration's type and help stay; samples join the family.
  m.family("x_total", MetricType::kGauge, "Other.").add({{"k", "w"}}, 3);
  CHECK(m.render() ==
        "# HELP x_total Things.\n"
        "# TYPE x_total counter\n"
        "x_total{k=\"v\"} 2\n"
        "x_total{k=\"w\"} 3\n"
        "# HELP y Y.\n"
        "# TYPE y gauge\n"
        "y 1.5\n");
}

TEST_CASE("family references stay valid while more families are added") {
  MetricsText m;
  Family& first = m.family("a", MetricType::kGauge, "A.");
  for (int i = 0; i < 100; ++i) m.family("f" + std::to_string(i), MetricType::kGauge, "F.");
  first.add({}, 7);
  CHECK(m.render().find("a 7\n") != std::string::npos);
}

TEST_CASE("a histogram writes cumulative buckets, +Inf, _sum and _count") {
  HistogramReport h;
  h.bounds = {0.1, 1};
  h.counts = {2, 5};
  h.count = 6;
  h.sum = 7.25;
  MetricsText m;
  m.family("lat_seconds", MetricType::kHistogram, "Latency.").add_histogram({{"id", "o"}}, h);
  CHECK(m.render() ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{id=\"o\",le=\"0.1\"} 2\n"
        "lat_seconds_bucket{id=\"o\",le=\"1\"} 5\n"
        "lat_seconds_bucket{id=\"o\",le=\"+Inf\"} 6\n"
        "lat_seconds_sum{id=\"o\"} 7.25\n"
        "lat_seconds_count{id=\"o\"} 6\n");
}

TEST_CASE("a family without samples still has its HELP and TYPE lines") {
  MetricsText m;
  m.family("empty", MetricType::kGauge, "Nothing yet.");
  CHECK(m.render() == "# HELP empty Nothing yet.\n# TYPE empty gauge\n");
}

TEST_CASE("registry runs collectors in order and forgets removed ones") {
  std::string before;
  {
    MetricsText m;
    Registry::instance().collect(m);
    before = m.render();
  }
  CollectorHandle a([](MetricsText& m) { m.family("t_a", MetricType::kGauge, "A.").add({}, 1); });
  {
    CollectorHandle b([](MetricsText& m) { m.family("t_b", MetricType::kGauge, "B.").add({}, 2); });
    MetricsText m;
    Registry::instance().collect(m);
    std::string text = m.render();
    REQUIRE(text.find("t_a 1") != std::string::npos);
    CHECK(text.find("t_a 1") < text.find("t_b 2"));
  }
  MetricsText m;
  Registry::instance().collect(m);
  CHECK(m.render().find("t_b") == std::string::npos);
  a.reset();
  MetricsText m2;
  Registry::instance().collect(m2);
  CHECK(m2.render() == before);
}

TEST_CASE("drop counters add per reason and name every reason") {
  auto& d = DropCounters::instance();
  uint64_t before = d.dropped(DropReason::kNoMatch);
  uint64_t before_err = d.to_error_label(DropReason::kParseError);
  count_dropped(DropReason::kNoMatch, 5);
  count_dropped(DropReason::kNoMatch, 0);
  count_to_error_label(DropReason::kParseError, 2);
  CHECK(d.dropped(DropReason::kNoMatch) == before + 5);
  CHECK(d.to_error_label(DropReason::kParseError) == before_err + 2);
  for (size_t i = 0; i < kDropReasonCount; ++i)
    CHECK(std::string(drop_reason_name(static_cast<DropReason>(i))) != "unknown");
}
