// The json parser's path for compact objects of strings (plugins/parser_json/flat_object.*):
// the block classifier and the escape arithmetic against plain byte loops, and the parser's
// records through that path against the full simdjson parse of the same line.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/map_appendix.hpp"
#include "parser_test_util.hpp"
#include "plugins/parser_json/byte_classes.hpp"
#include "plugins/parser_json/flat_object.hpp"

using namespace shipper;
using namespace shipper::parser_json;
using namespace shipper::test;

namespace {

// The escaped bytes of a whole text by walking it: a backslash escapes the next byte.
std::vector<bool> escaped_by_walk(const std::string& text) {
  std::vector<bool> escaped(text.size(), false);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      escaped[i + 1] = true;
      ++i;
    }
  }
  return escaped;
}

std::string random_block_text(std::mt19937& rng, size_t size) {
  // Mostly backslashes and quotes, so runs of every length cross the block boundaries.
  static const char kBytes[] = {'\\',   '\\',   '\\',   '"',    '"',    'a',    ' ', '\n',
                                '\x01', '\x7f', '\x80', '\xc3', '\xa9', '\xff', '{', '}'};
  std::string s;
  for (size_t i = 0; i < size; ++i) s += kBytes[rng() % sizeof kBytes];
  return s;
}

}  // namespace

TEST_CASE("flat json: escape arithmetic matches a walk over the bytes, across blocks") {
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    const std::string text = random_block_text(rng, 64 * (1 + rng() % 4));
    const std::vector<bool> want = escaped_by_walk(text);
    uint64_t carry = 0;
    for (size_t base = 0; base < text.size(); base += 64) {
      uint64_t backslash = 0;
      for (size_t i = 0; i < 64; ++i) {
        if (text[base + i] == '\\') backslash |= uint64_t{1} << i;
      }
      const uint64_t got = escaped_bytes(backslash, carry);
      for (size_t i = 0; i < 64; ++i) {
        // Only bytes that are not backslashes are reported (all a quote needs).
        if (text[base + i] == '\\') continue;
        INFO("round " << round << " byte " << base + i);
        CHECK(((got >> i) & 1) == (want[base + i] ? 1u : 0u));
      }
    }
  }
}

TEST_CASE("flat json: the SSE2 block reader agrees with the byte loop") {
#if defined(__SSE2__)
  std::mt19937 rng(5);
  for (int round = 0; round < 2000; ++round) {
    const size_t size = 1 + rng() % 200;
    const std::string text = random_block_text(rng, size) + random_block_text(rng, 64);
    Sse2Blocks sse2;
    BytewiseBlocks bytewise;
    for (size_t base = 0; base < size; base += 64) {
      const BlockMasks a = sse2.next(text.data() + base, size - base);
      const BlockMasks b = bytewise.next(text.data() + base, size - base);
      CHECK(a.quote == b.quote);
      CHECK(a.backslash == b.backslash);
    }
    CHECK(sse2.has_control() == bytewise.has_control());
    CHECK(sse2.has_high() == bytewise.has_high());
  }
  // Bytes after the text count for nothing.
  const std::string text = std::string("{\"a\":\"b\"}") + "\n\x01\xff\"\\" + std::string(64, ' ');
  Sse2Blocks sse2;
  const BlockMasks m = sse2.next(text.data(), 9);
  CHECK(m.quote == 0b10101010);  // quotes at 1, 3, 5 and 7
  CHECK(m.backslash == 0);
  CHECK_FALSE(sse2.has_control());
  CHECK_FALSE(sse2.has_high());
#else
  SUCCEED("no SSE2 on this CPU: the byte loop is the reader");
#endif
}

TEST_CASE("flat json: which lines are compact objects of strings") {
  FlatObject flat;
  std::string text;  // the fields point into it
  auto scan = [&](std::string_view line) {
    text = std::string(line) + std::string(64, ' ');
    return flat.scan(std::string_view(text.data(), line.size()));
  };
  REQUIRE(scan(R"({"log":"a \"b\" \\\"c\\\"\n","stream":"stdout","time":"2020-06-01T00:00:00Z"})"));
  REQUIRE(flat.fields().size() == 3);
  CHECK(flat.fields()[0].key == "log");
  CHECK(flat.fields()[0].body == R"(a \"b\" \\\"c\\\"\n)");
  CHECK(flat.fields()[0].escaped);
  CHECK(flat.fields()[1].body == "stdout");
  CHECK_FALSE(flat.fields()[1].escaped);
  CHECK(scan(R"({"":""})"));
  CHECK(scan(R"({"k":"\\"})"));
  CHECK(scan("{\"k\":\"caf\xc3\xa9\"}"));
  // For the full parser: blanks, other values, escaped keys, bad bytes, broken structure.
  for (const char* line : {R"( {"a":"b"})", R"({"a": "b"})", R"({"a":"b"} )", R"({"a":1})",
                           R"({"a":"b","c":{}})", R"({"a\"":"b"})", R"({})", R"({"a":"b\"})",
                           R"({"a":"b"c"})", R"({"a":"b",})", R"({"a""b"})", R"({"a":"b""c":"d"})",
                           "{\"a\":\"b\x01\"}", "{\"a\":\"\xff\"}", R"(["a"])", R"({"a":"b"}})"}) {
    INFO(line);
    CHECK_FALSE(scan(line));
  }
  std::string many = "{";
  for (size_t i = 0; i <= FlatObject::kMaxFields; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  CHECK_FALSE(scan(many + "}"));
}

namespace {

struct Outcome {
  ParseResult::Code code;
  std::string error;
  int64_t sec;
  uint32_t nsec;
  bool appendix_applied;
  std::string bytes;
  bool operator==(const Outcome& o) const {
    return std::tie(code, error, sec, nsec, appendix_applied, bytes) ==
           std::tie(o.code, o.error, o.sec, o.nsec, o.appendix_applied, o.bytes);
  }
};

struct CollectSink : Parser::Sink {
  MapAppendix pairs;
  std::string buf;
  MsgpackWriter writer{buf};
  std::vector<Outcome> got;
  const MapAppendix* record_appendix() const override { return &pairs; }
  MsgpackWriter& record_writer() override {
    buf.clear();
    return writer;
  }
  void on_result(const ParseResult& r, EventTime t) override {
    got.push_back({r.code, r.error, t.sec, t.nsec, r.appendix_applied,
                   r.code == ParseResult::Code::kOk ? buf : std::string()});
  }
};

std::string random_body(std::mt19937& rng) {
  static const char* kPieces[] = {
      "plain text ", "\\\"",    "\\\\",           "\\/",         "\\n", "\\t",
      "\\b",         "\\u00e9", "\\ud83d\\ude00", "caf\xc3\xa9", "x"};
  static const char* kRare[] = {"\\x", "\\ud800", "\xff", "\x01", "\"", "\\u12", "\t"};
  std::string body;
  const size_t pieces = rng() % 40;
  for (size_t i = 0; i < pieces; ++i) {
    if (rng() % 100 == 0)
      body += kRare[rng() % (sizeof kRare / sizeof *kRare)];
    else if (rng() % 10 == 0)
      body += std::string(1 + rng() % 70, '\\') + (rng() % 2 ? "\"" : "n");  // runs over blocks
    else
      body += kPieces[rng() % (sizeof kPieces / sizeof *kPieces)];
  }
  return body;
}

std::string random_line(std::mt19937& rng) {
  static const char* kKeys[] = {"log", "stream", "time", "a", "node", "k\\\"q", ""};
  std::string line = "{";
  const size_t fields = 1 + rng() % 5;
  for (size_t i = 0; i < fields; ++i) {
    if (i) line += ',';
    line += '"';
    line += kKeys[rng() % (sizeof kKeys / sizeof *kKeys)];
    line += "\":";
    switch (rng() % 20) {
      case 0:
        line += std::to_string(rng() % 1000);  // a number
        break;
      case 1:
        line += "\"2020-06-01T00:00:00.123456789Z\"";
        break;
      case 2:
        line += "\"2020-06-01T00:00:00\\u002e5Z\"";  // an escaped time
        break;
      default:
        line += '"' + random_body(rng) + '"';
    }
  }
  line += '}';
  if (rng() % 50 == 0) line.pop_back();
  if (rng() % 50 == 0) line += "x";
  return line;
}

}  // namespace

TEST_CASE("flat json: records through the compact path equal the full parse, byte for byte") {
  // A leading blank sends the same line through simdjson's full parse.
  const Pairs configs[] = {
      {{"time_key", "time"}, {"time_format", "%Y-%m-%dT%H:%M:%S.%N%z"}},
      {{"time_key", "time"}, {"time_format", "%Y-%m-%dT%H:%M:%S.%N%z"}, {"keep_time_key", "true"}},
      {{"time_key", "a"}, {"time_type", "string"}, {"time_format", "%s"}},
  };
  std::mt19937 rng(3);
  size_t records = 0, compact = 0;
  FlatObject flat;
  for (const Pairs& config : configs) {
    auto p = make_parser("json", config);
    REQUIRE(p);
    CollectSink sink;
    sink.pairs.add_string("node", "n1");
    sink.pairs.add_string("path", "/var/log/x.log");
    for (int round = 0; round < 3000; ++round) {
      const std::string line = random_line(rng);
      const std::string padded = line + std::string(64, ' ');
      if (flat.scan(std::string_view(padded.data(), line.size()))) ++compact;
      std::vector<Outcome> outcomes[2];
      for (int spaced = 0; spaced < 2; ++spaced) {
        std::string text = (spaced ? " " : "") + line + std::string(64, ' ');
        for (size_t readable_after : {size_t{64}, size_t{0}}) {
          sink.got.clear();
          p->parse_all_in_place(std::string_view(text.data(), text.size() - 64), readable_after,
                                sink);
          REQUIRE(sink.got.size() == 1);
          outcomes[spaced].push_back(sink.got[0]);
        }
      }
      INFO("line: " << line);
      CHECK(outcomes[0] == outcomes[1]);
      if (outcomes[0][0].code == ParseResult::Code::kOk) ++records;
    }
  }
  // Many lines take the compact path, and many are records, not only errors.
  CHECK(compact > 1200);
  CHECK(records > 1500);
}
