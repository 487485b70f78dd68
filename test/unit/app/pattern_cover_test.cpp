#include <catch2/catch.hpp>

#include "engine/lint/pattern_cover.hpp"

using shipper::lint::pattern_matches;
using shipper::lint::patterns_cover;
using shipper::lint::split_patterns;

TEST_CASE("patterns compile as fluentd's glob patterns") {
  CHECK(pattern_matches("a.*", "a.b"));
  CHECK(pattern_matches("a.*", "a."));
  CHECK_FALSE(pattern_matches("a.*", "a"));
  CHECK_FALSE(pattern_matches("a.*", "a.b.c"));
  CHECK(pattern_matches("a.**", "a"));
  CHECK(pattern_matches("a.**", "a.b.c"));
  CHECK_FALSE(pattern_matches("a.**", "ab"));
  CHECK(pattern_matches("**.b", "b"));
  CHECK(pattern_matches("**.b", "x.y.b"));
  CHECK_FALSE(pattern_matches("**.b", "xb"));
  CHECK(pattern_matches("a.**.b", "a.b"));
  CHECK(pattern_matches("a.**.b", "a.x.y.b"));
  CHECK_FALSE(pattern_matches("a.**.b", "ab"));
  CHECK(pattern_matches("**", ""));
  CHECK(pattern_matches("{a,b}.c", "b.c"));
  CHECK(pattern_matches("a.{b,c}.*", "a.c.d"));
  CHECK(pattern_matches("{a.*,b}.c", "a.x.c"));
  CHECK(pattern_matches("a\\*", "a*"));
  CHECK_FALSE(pattern_matches("a\\*", "ab"));
  CHECK(pattern_matches("runtime-*", "runtime-kube-proxy"));
}

TEST_CASE("split patterns: whitespace separates; empty is **") {
  CHECK(split_patterns("") == std::vector<std::string>{"**"});
  CHECK(split_patterns(" a.**   b.* ") == std::vector<std::string>{"a.**", "b.*"});
}

TEST_CASE("coverage is decided exactly for globs") {
  CHECK(patterns_cover({"**"}, {"a.b"}));
  CHECK(patterns_cover({"**"}, {"a.**"}));
  CHECK(patterns_cover({"a.**"}, {"a.b.*"}));
  CHECK(patterns_cover({"a.**"}, {"a"}));
  CHECK(patterns_cover({"a.*"}, {"a.b"}));
  CHECK(patterns_cover({"a.*"}, {"a.{b,c}"}));
  CHECK(patterns_cover({"a.b", "a.c"}, {"a.{b,c}"}));  // a union of earlier patterns
  CHECK(patterns_cover({"*.*"}, {"a.*"}));
  CHECK(patterns_cover({"**.b"}, {"a.**.b"}));
  CHECK_FALSE(patterns_cover({"a.*"}, {"a.**"}));  // a.**: also a and a.b.c
  CHECK_FALSE(patterns_cover({"a.*"}, {"a"}));
  CHECK_FALSE(patterns_cover({"a.**"}, {"ab"}));
  CHECK_FALSE(patterns_cover({"a.b"}, {"a.{b,c}"}));
  CHECK_FALSE(patterns_cover({"*"}, {"a.b"}));
  CHECK_FALSE(patterns_cover({"kubernetes.**"}, {"runtime-*"}));
  // Regex patterns are opaque: nothing is claimed.
  CHECK_FALSE(patterns_cover({"/.*/"}, {"a"}));
  CHECK_FALSE(patterns_cover({"**"}, {"/a.*/"}));
}
