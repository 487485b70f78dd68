#include <catch2/catch.hpp>

#include <string>

#include "config/json_literal.hpp"

using namespace shipper::config;

namespace {
std::string compact(const std::string& text) {
  JsonScan s = scan_json_literal(text);
  INFO(s.error);
  REQUIRE(s.complete);
  std::string out, err;
  REQUIRE(json_compact(s.text, &out, &err));
  return out;
}
bool complete(const std::string& text) {
  return scan_json_literal(text).complete;
}
}  // namespace

TEST_CASE("JSON literal: where the value ends") {
  JsonScan s = scan_json_literal("[1, 2]  # after\nnext line");
  REQUIRE(s.complete);
  CHECK(s.end == 6);
  s = scan_json_literal("{\"a\": \"]}\"} x");
  REQUIRE(s.complete);
  CHECK(s.end == 11);
}

TEST_CASE("JSON literal: Fluentd's '#' comment heuristic") {
  CHECK(compact("[1, 2, # two\n 3]") == "[1,2,3]");
  CHECK(compact("[1 # one\n, 2]") == "[1,2]");
  CHECK(compact("{\"a\": 1, # c\n \"b\": 2}") == "{\"a\":1,\"b\":2}");
  CHECK(compact("[\"a#b\", \"#{x}\"]") == "[\"a#b\",\"#{x}\"]");
  // The text so far would not be valid when closed: the '#' is literal and the JSON is broken.
  CHECK_FALSE(complete("{\"a\": # c\n 1}"));
  CHECK_FALSE(complete("[[1, # c\n 2]]"));
  CHECK_FALSE(complete("[1,\n# c\n 2]"));  // the comma is on the previous line
}

TEST_CASE("JSON literal: invalid or incomplete JSON") {
  CHECK_FALSE(complete("[ALERT] disk"));
  CHECK_FALSE(complete("[1, 2"));
  CHECK_FALSE(complete("{\"a\" 1}"));
  CHECK_FALSE(complete("[01]"));
  CHECK_FALSE(complete("[1,]"));
  CHECK_FALSE(complete("[\"a\nb\"]"));  // raw newline inside a string
  CHECK_FALSE(complete(std::string(101, '[') + std::string(101, ']')));
  CHECK(complete(std::string(100, '[') + std::string(100, ']')));
}

TEST_CASE("JSON literal: compact re-serialisation as Ruby's JSON.dump") {
  CHECK(compact("{ \"a\" : [ 1 , -0 , 2.50 , 1e3 , 1E-5 , 1e20 , true , false , null ] }") ==
        "{\"a\":[1,0,2.5,1000.0,1.0e-05,1.0e+20,true,false,null]}");
  CHECK(compact("{\"k\":1,\"j\":2,\"k\":3}") == "{\"k\":3,\"j\":2}");
  CHECK(compact("[\"\\u00e9\\ud83d\\ude00\\/\\t\\u0001\"]") ==
        "[\"\xC3\xA9\xF0\x9F\x98\x80/\\t\\u0001\"]");
  CHECK(compact("[12345678901234567890123]") == "[12345678901234567890123]");
}

TEST_CASE("Ruby Float#to_s") {
  CHECK(ruby_float_to_s(1.0) == "1.0");
  CHECK(ruby_float_to_s(1.5) == "1.5");
  CHECK(ruby_float_to_s(-0.25) == "-0.25");
  CHECK(ruby_float_to_s(100.0) == "100.0");
  CHECK(ruby_float_to_s(1e15) == "1000000000000000.0");
  CHECK(ruby_float_to_s(1e16) == "1.0e+16");
  CHECK(ruby_float_to_s(0.0001) == "0.0001");
  CHECK(ruby_float_to_s(0.00001) == "1.0e-05");
  CHECK(ruby_float_to_s(1.25e-7) == "1.25e-07");
  CHECK(ruby_float_to_s(0.1) == "0.1");
}

TEST_CASE("JSON literal: strings are re-escaped as Ruby's JSON.dump writes them") {
  // Escapes are decoded and written back in the one form Ruby uses: named escapes for \b \f \n
  // \r \t, \u00XX for other control characters, '/' and non-ASCII raw.
  CHECK(compact(R"(["\u0001\u001F\/\b\f\n\r\t\"\\"])") == R"(["\u0001\u001f/\b\f\n\r\t\"\\"])");
  CHECK(compact(R"(["\u00e9\u20ac\ud83d\ude00", "é"])") ==
        "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"\xc3\xa9\"]");
  CHECK(compact(R"({"k\u0000": "\u007f"})") == "{\"k\\u0000\":\"\x7f\"}");
  // Invalid UTF-8 inside a JSON string is passed through, as in record output.
  CHECK(compact("[\"\xff\xc3\"]") == "[\"\xff\xc3\"]");
}
