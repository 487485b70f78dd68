#include "core/tag_pattern.hpp"

#include <catch2/catch.hpp>

using shipper::MatchPattern;
using shipper::TagPattern;

namespace {

bool m(const char* pattern, const char* tag) {
  auto p = MatchPattern::compile(pattern);
  REQUIRE(p.is_ok());
  return p.value().match(tag);
}

}  // namespace

TEST_CASE("** alone matches every tag, including the empty one") {
  CHECK(m("**", ""));
  CHECK(m("**", "a"));
  CHECK(m("**", "a.b.c"));
  CHECK(m("**", ".."));
}

TEST_CASE("* matches one part, possibly empty") {
  CHECK(m("*", "a"));
  CHECK(m("*", ""));
  CHECK_FALSE(m("*", "a.b"));
  CHECK(m("a.*", "a.b"));
  CHECK(m("a.*", "a."));
  CHECK_FALSE(m("a.*", "a"));
  CHECK_FALSE(m("a.*", "a.b.c"));
  CHECK(m("a.*.c", "a.b.c"));
  CHECK(m("a.*.c", "a..c"));
  CHECK_FALSE(m("a.*.c", "a.b.b.c"));
  CHECK(m("*.b", "a.b"));
  CHECK_FALSE(m("*.b", "b"));
  CHECK(m("a*", "abc"));
  CHECK_FALSE(m("a*", "ab.c"));
}

TEST_CASE("X.** matches X itself and everything below it, not a longer first part") {
  CHECK(m("a.**", "a"));
  CHECK(m("a.**", "a.b"));
  CHECK(m("a.**", "a.b.c"));
  CHECK_FALSE(m("a.**", "ab"));
  CHECK_FALSE(m("a.**", "b.a"));
  CHECK(m("a.b.**", "a.b"));
  CHECK_FALSE(m("a.b.**", "a.bc"));
  CHECK_FALSE(m("a.b.**", "a"));
}

TEST_CASE("**.Y matches Y after anything ending in a dot, or Y alone") {
  CHECK(m("**.b", "b"));
  CHECK(m("**.b", "x.b"));
  CHECK(m("**.b", "x.y.b"));
  CHECK_FALSE(m("**.b", "xb"));
  CHECK_FALSE(m("**.b", "b.x"));
}

TEST_CASE("X.**.Y") {
  CHECK(m("a.**.b", "a.b"));
  CHECK(m("a.**.b", "a.x.b"));
  CHECK(m("a.**.b", "a.x.y.b"));
  CHECK_FALSE(m("a.**.b", "ab"));
  CHECK_FALSE(m("a.**.b", "a.xb"));
  CHECK_FALSE(m("a.**.b", "ax.b"));
  CHECK_FALSE(m("a.**.b", "a.b.c"));
}

TEST_CASE("** elsewhere matches any characters, dots included") {
  CHECK(m("a**", "a"));
  CHECK(m("a**", "abc.d"));
  CHECK(m("**b", "a.b"));
  CHECK(m("**b", "ab"));
  CHECK(m("a.**b", "a.xb"));
  CHECK(m("a.**b", "a.x.yb"));
  CHECK_FALSE(m("a.**b", "ab"));
}

TEST_CASE("{a,b} alternatives are full sub-patterns and may nest") {
  CHECK(m("{a,b}", "a"));
  CHECK(m("{a,b}", "b"));
  CHECK_FALSE(m("{a,b}", "c"));
  CHECK_FALSE(m("{a,b}", "ab"));
  CHECK(m("a.{b,c}.*", "a.b.x"));
  CHECK(m("a.{b,c}.*", "a.c.y"));
  CHECK_FALSE(m("a.{b,c}.*", "a.d.x"));
  CHECK(m("{a,b.**}", "a"));
  CHECK(m("{a,b.**}", "b"));
  CHECK(m("{a,b.**}", "b.c.d"));
  CHECK_FALSE(m("{a,b.**}", "a.c"));
  CHECK(m("{a.*,b}.c", "a.x.c"));
  CHECK(m("{a.*,b}.c", "b.c"));
  CHECK_FALSE(m("{a.*,b}.c", "a.c"));
  CHECK(m("{a,{b,c}}", "c"));
  CHECK(m("x.{a,{b,c}.d}", "x.c.d"));
  CHECK_FALSE(m("x.{a,{b,c}.d}", "x.c"));
}

TEST_CASE("an unclosed { is closed at the end of the pattern") {
  CHECK(m("a.{b,c", "a.b"));
  CHECK(m("a.{b,c", "a.c"));
  CHECK_FALSE(m("a.{b,c", "a.d"));
}

TEST_CASE("backslash escapes and other characters are literal") {
  CHECK(m("a\\*", "a*"));
  CHECK_FALSE(m("a\\*", "ab"));
  CHECK(m("a\\.b", "a.b"));
  CHECK(m("a-b:c@d", "a-b:c@d"));
  CHECK_FALSE(m("a-b", "a_b"));
  CHECK(m("a,b", "a,b"));  // ',' outside braces is literal
  CHECK_FALSE(m("a,b", "a"));
  CHECK(m("a}", "a}"));  // '}' without '{' is literal
  CHECK(m("a+b", "a+b"));
  CHECK_FALSE(m("a+b", "aab"));
  CHECK(m("a(b)", "a(b)"));
  CHECK(m("a$", "a$"));
  CHECK(m("[ab]", "[ab]"));
  CHECK_FALSE(m("[ab]", "a"));
}

TEST_CASE("matching is case-sensitive") {
  CHECK_FALSE(m("app.**", "App.x"));
  CHECK(m("App.**", "App.x"));
}

TEST_CASE("/regex/ patterns are anchored regexes") {
  CHECK(m("/app\\.(web|api)/", "app.web"));
  CHECK(m("/app\\.(web|api)/", "app.api"));
  CHECK_FALSE(m("/app\\.(web|api)/", "app.web.x"));
  CHECK_FALSE(m("/app\\.(web|api)/", "xapp.web"));
  CHECK(m("/.*/", ""));
  CHECK(m("/[0-9]+/", "123"));
  auto bad = MatchPattern::compile("/abc");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message() == "invalid match - regex");
  CHECK_FALSE(MatchPattern::compile("/a(/").is_ok());
}

TEST_CASE("several patterns separated by whitespace: any may match") {
  CHECK(m("a.** b.**", "a.x"));
  CHECK(m("a.** b.**", "b"));
  CHECK_FALSE(m("a.** b.**", "c"));
  CHECK(m("a   b\tc", "c"));
  // A space inside braces splits the pattern into two broken ones: `{a,` (a or nothing, its
  // brace closed at the end) and the literal `b}`; the intended `b` is not matched.
  CHECK(m("{a, b}", "a"));
  CHECK(m("{a, b}", ""));
  CHECK(m("{a, b}", "b}"));
  CHECK_FALSE(m("{a, b}", "b"));
}

TEST_CASE("an empty argument means **") {
  auto p = MatchPattern::compile("");
  REQUIRE(p.is_ok());
  CHECK(p.value().match(""));
  CHECK(p.value().match("anything.at.all"));
  CHECK(p.value().text() == "**");
  CHECK(m("   ", "x"));
}

TEST_CASE("a trailing dot adds nothing") {
  CHECK(m("a.", "a"));
  CHECK_FALSE(m("a.", "a."));
}
