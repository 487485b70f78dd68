#include "core/json_escape.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "core/msgpack_writer.hpp"
#include "core/record_json.hpp"

using namespace shipper;

namespace {

std::string escaped(std::string_view s) {
  std::string out = "prefix:";  // appends, never overwrites
  append_json_escaped(s, out);
  REQUIRE(out.substr(0, 7) == "prefix:");
  return out.substr(7);
}

}  // namespace

TEST_CASE("JSON escaping: printable ASCII is copied, only quote and backslash escaped") {
  CHECK(escaped("") == "");
  CHECK(escaped("hello world 123 ~!@#$%^&*()_+{}|:<>?`-=[];',.") ==
        "hello world 123 ~!@#$%^&*()_+{}|:<>?`-=[];',.");
  CHECK(escaped("say \"hi\"") == "say \\\"hi\\\"");
  CHECK(escaped("C:\\dir\\") == "C:\\\\dir\\\\");
  CHECK(escaped("a/b</script>") == "a/b</script>");  // '/' stays as Ruby's JSON writes it
  CHECK(escaped("\x7f") == "\x7f");                  // DEL is not a control character here
}

TEST_CASE("JSON escaping: every control character below 0x20") {
  const char* expected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
  };
  for (int c = 0; c < 32; ++c) {
    INFO("byte " << c);
    CHECK(escaped(std::string(1, static_cast<char>(c))) == expected[c]);
  }
  CHECK(escaped(std::string("a\0b\nc", 5)) == "a\\u0000b\\nc");
}

TEST_CASE("JSON escaping: UTF-8 stays raw, invalid UTF-8 passes through unchanged") {
  CHECK(escaped("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
  // Stray continuation bytes, truncated sequences, a surrogate, an overlong '/'.
  const std::string invalid = "\xff\xfe \xc3 \xe2\x82 \xed\xa0\x80 \xc0\xaf \x80";
  CHECK(escaped(invalid) == invalid);
  CHECK(escaped("\xc3\"\xff\n") == "\xc3\\\"\xff\\n");
}

TEST_CASE("JSON string literal: quotes around the escaped text") {
  std::string out = "x";
  append_json_string("a\"b\x01/\xc3\xa9", out);
  CHECK(out == "x\"a\\\"b\\u0001/\xc3\xa9\"");
  out.clear();
  append_json_string("", out);
  CHECK(out == "\"\"");
}

TEST_CASE("msgpack to JSON escapes keys and string values the same way") {
  std::string rec;
  MsgpackWriter w(rec);
  w.map_header(1);
  w.str("k\"\x1f");
  w.str("v\\/\t\xe2\x82\xac\xff");
  std::string json;
  REQUIRE(append_msgpack_as_json(rec, json));
  CHECK(json == "{\"k\\\"\\u001f\":\"v\\\\/\\t\xe2\x82\xac\xff\"}");
}
