// from_encoding/encoding conversion of tailed lines (spec §1.6).
#include <catch2/catch.hpp>

#include "plugins/in_tail/line_encoding.hpp"

using namespace shipper::in_tail;

TEST_CASE("lines are transcoded from from_encoding to encoding") {
  LineConverter c;
  REQUIRE(c.open("ISO-8859-1", "UTF-8"));
  std::string out;
  CHECK(c.convert("caf\xE9 ok", out) == 0);
  CHECK(out == "caf\xC3\xA9 ok");
  LineConverter sjis;
  REQUIRE(sjis.open("Shift_JIS", "utf-8"));
  CHECK(sjis.convert("\x82\xA0", out) == 0);  // HIRAGANA LETTER A
  CHECK(out == "\xE3\x81\x82");
}

TEST_CASE("invalid sequences are replaced: U+FFFD for Unicode targets, ? otherwise") {
  LineConverter c;
  REQUIRE(c.open("UTF-8", "UTF-8"));
  std::string out;
  CHECK(c.convert("a\xFF"
                  "b",
                  out) == 1);
  CHECK(out ==
        "a\xEF\xBF\xBD"
        "b");
  LineConverter latin;
  REQUIRE(latin.open("UTF-8", "ISO-8859-1"));
  // é converts; the CJK character has no Latin-1 form (undefined) and becomes ?
  CHECK(latin.convert("\xC3\xA9\xE6\x97\xA5!", out) == 1);
  CHECK(out == "\xE9?!");
}

TEST_CASE("encoding names are checked against what iconv knows") {
  CHECK(encoding_supported("UTF-8"));
  CHECK(encoding_supported("ASCII-8BIT"));
  CHECK(encoding_supported("Shift_JIS"));
  CHECK_FALSE(encoding_supported("no-such-encoding"));
  LineConverter c;
  CHECK_FALSE(c.open("no-such-encoding", "UTF-8"));
}
