#include <catch2/catch.hpp>

#include <string>

#include "config/value_types.hpp"

using namespace shipper::config;

namespace {
int64_t lenient_int(const char* v) {
  return *to_integer(v, false, nullptr);
}
double lenient_float(const char* v) {
  return *to_float(v, false, nullptr);
}
uint64_t lenient_size(const char* v) {
  return to_size(v, false, nullptr)->bytes;
}
double lenient_time(const char* v) {
  return to_duration(v, false, nullptr)->seconds;
}
}  // namespace

TEST_CASE("integer: Ruby to_i when lenient, Integer() when strict") {
  CHECK(lenient_int("10abc") == 10);
  CHECK(lenient_int("abc") == 0);
  CHECK(lenient_int("0x10") == 0);
  CHECK(lenient_int("1e3") == 1);
  CHECK(lenient_int("1_000") == 1000);
  CHECK(lenient_int("  -42") == -42);
  CHECK(lenient_int("017") == 17);
  CHECK(*to_integer("017", true, nullptr) == 15);
  CHECK(*to_integer("0x10", true, nullptr) == 16);
  CHECK(*to_integer("0b101", true, nullptr) == 5);
  CHECK(*to_integer(" 1_000 ", true, nullptr) == 1000);
  CHECK(*to_integer("0", true, nullptr) == 0);
  ConvertError err;
  CHECK_FALSE(to_integer("abc", true, &err));
  CHECK(err.message == "invalid value for Integer(): \"abc\"");
  CHECK_FALSE(to_integer("10abc", true, nullptr));
  CHECK_FALSE(to_integer("08", true, nullptr));
  CHECK_FALSE(to_integer("", true, nullptr));
}

TEST_CASE("float: Ruby to_f when lenient, Float() when strict") {
  CHECK(lenient_float("1.5") == 1.5);
  CHECK(lenient_float("1e3") == 1000.0);
  CHECK(lenient_float("abc") == 0.0);
  CHECK(lenient_float(".5") == 0.5);
  CHECK(lenient_float("2.5xyz") == 2.5);
  CHECK(*to_float("1e3", true, nullptr) == 1000.0);
  ConvertError err;
  CHECK_FALSE(to_float("abc", true, &err));
  CHECK(err.message == "invalid value for Float(): \"abc\"");
}

TEST_CASE("size: unanchored, case-insensitive suffix search in k, m, g, t order") {
  CHECK(lenient_size("1k") == 1024);
  CHECK(lenient_size("1K") == 1024);
  CHECK(lenient_size("10KB") == 10240);
  CHECK(lenient_size("8m") == 8388608);
  CHECK(lenient_size("1g") == 1073741824ull);
  CHECK(lenient_size("2t") == 2199023255552ull);
  CHECK(lenient_size("1.5k") == 5120);
  CHECK(lenient_size("0.5m") == 5242880);
  CHECK(lenient_size("-1k") == 1024);
  CHECK(lenient_size("1Ki") == 1024);
  CHECK(lenient_size("100b") == 100);
  CHECK(lenient_size("abc") == 0);
  CHECK(lenient_size("1m1k") == 1024);  // k is tried first
  CHECK(to_size("1k", true, nullptr)->bytes == 1024);
  ConvertError err;
  CHECK_FALSE(to_size("abc", true, &err));
  CHECK(err.message == "invalid value for Integer(): \"abc\"");
}

TEST_CASE("time: unanchored, lowercase-only suffixes in s, m, h, d order, else float") {
  CHECK(lenient_time("10s") == 10);
  CHECK(lenient_time("1d") == 86400);
  CHECK(lenient_time("1.5h") == 18000);
  CHECK(lenient_time("1m30s") == 30);
  CHECK(lenient_time("5ms") == 300);
  CHECK(lenient_time("0.5") == 0.5);
  CHECK(lenient_time("60") == 60.0);
  CHECK(lenient_time("10S") == 10.0);
  CHECK(lenient_time("2H") == 2.0);
  CHECK(lenient_time("1w") == 1.0);
  CHECK(lenient_time("abc") == 0.0);
  ConvertError err;
  CHECK_FALSE(to_duration("10S", true, &err));
  CHECK(err.message == "invalid value for Float(): \"10S\"");
  CHECK(to_duration("0.1", true, nullptr)->seconds == 0.1);
}

TEST_CASE("bool: exact words, empty and '#...' are true, anything else nil or an error") {
  CHECK(*to_bool("true", false, nullptr));
  CHECK(*to_bool("yes", false, nullptr));
  CHECK_FALSE(*to_bool("false", false, nullptr));
  CHECK_FALSE(*to_bool("no", false, nullptr));
  CHECK(*to_bool("", false, nullptr));
  CHECK(*to_bool("# note", false, nullptr));
  for (const char* v : {"True", "TRUE", "1", "on", "yes_please"}) {
    INFO(v);
    CHECK_FALSE(to_bool(v, false, nullptr));
  }
  ConvertError err;
  CHECK_FALSE(to_bool("True", true, &err));
  CHECK(err.message == "invalid bool value: True");
}

TEST_CASE("array: JSON or comma list") {
  CHECK(*to_array("a, b ,c", nullptr) == ArrayValue{"a", "b", "c"});
  CHECK(*to_array("a", nullptr) == ArrayValue{"a"});
  CHECK(to_array("", nullptr)->empty());
  CHECK(*to_array("a,,b", nullptr) == ArrayValue{"a", "", "b"});
  CHECK(*to_array("a,b,", nullptr) == ArrayValue{"a", "b"});
  CHECK(*to_array("[\"a\",\"b\"]", nullptr) == ArrayValue{"a", "b"});
  CHECK(*to_array("[1,\"x\"]", nullptr) == ArrayValue{"1", "x"});
  ConvertError err;
  CHECK_FALSE(to_array("[1", &err));
  CHECK(err.message.find("array required but got") == 0);
}

TEST_CASE("hash: JSON or k:v list without trimming around ':'") {
  using KV = HashValue::value_type;
  CHECK(*to_hash("a:1, b:2", nullptr) == HashValue{KV{"a", "1"}, KV{"b", "2"}});
  CHECK(*to_hash("a: 1,b :2", nullptr) == HashValue{KV{"a", " 1"}, KV{"b ", "2"}});
  CHECK(*to_hash("k:v:w", nullptr) == HashValue{KV{"k", "v:w"}});
  CHECK(*to_hash("a", nullptr) == HashValue{KV{"a", std::nullopt}});
  CHECK(to_hash("", nullptr)->empty());
  CHECK(*to_hash("a:1,", nullptr) == HashValue{KV{"a", "1"}});
  CHECK(*to_hash("{\"a\":1,\"b\":\"x\",\"c\":null}", nullptr) ==
        HashValue{KV{"a", "1"}, KV{"b", "x"}, KV{"c", std::nullopt}});
  ConvertError err;
  CHECK_FALSE(to_hash("{\"a\"", &err));
  CHECK(err.message.find("hash required but got") == 0);
}

TEST_CASE("regexp: bare or /body/flags") {
  auto r = to_regexp("^a.*$", nullptr);
  CHECK(r->source == "^a.*$");
  r = to_regexp("/ab+c/im", nullptr);
  CHECK(r->source == "ab+c");
  CHECK(r->ignore_case);
  CHECK(r->multiline);
  r = to_regexp("/a/x", nullptr);
  CHECK(r->source == "a");
  CHECK_FALSE(r->ignore_case);
  CHECK(to_regexp("/", nullptr)->source == "");
  ConvertError err;
  CHECK_FALSE(to_regexp("/abc", &err));
  CHECK(err.message == "invalid regexp: missing right slash: /abc");
}
