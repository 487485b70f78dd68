// Appendix A.3 of the spec and the json-records fixture: each parser's records.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/map_appendix.hpp"
#include "parser_test_util.hpp"
#include "plugins/parser_json/json_string.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {
bool ok(const Parsed& p) {
  return p.result.code == ParseResult::Code::kOk;
}
bool no_match(const Parsed& p) {
  return p.result.code == ParseResult::Code::kNotMatched;
}
bool error(const Parsed& p) {
  return p.result.code == ParseResult::Code::kInvalidTime;
}

const Pairs kDockerJson = {{"time_key", "time"}, {"time_format", "%Y-%m-%dT%H:%M:%S.%N%z"}};
}  // namespace

TEST_CASE("json default: float time turns an ISO string into year-1970 seconds") {
  auto p = make_parser("json");
  REQUIRE(p);
  auto r = run(*p, R"({"log":"hi\n","stream":"stdout","time":"2020-06-01T10:00:00.123456789Z"})");
  REQUIRE(ok(r));
  CHECK(r.result.has_time);
  CHECK(r.time.sec == 2020);
  CHECK(r.time.nsec == 123456789);
  CHECK(r.record == R"({"log":"hi\n","stream":"stdout"})");
}

TEST_CASE("json: trailing data, two objects, scalars are no match; null time is an error") {
  auto p = make_parser("json");
  CHECK(no_match(run(*p, R"({"a":1} trailing)")));
  CHECK(no_match(run(*p, R"({"a":1}{"b":2})")));
  CHECK(no_match(run(*p, "null")));
  CHECK(no_match(run(*p, "123")));
  CHECK(no_match(run(*p, "")));
  CHECK(no_match(run(*p, "this line is not json at all")));
  CHECK(no_match(
      run(*p, R"({"log":"I0601 10:00:02.000000       1 trace.go:219] truncated by a full disk)")));
  CHECK(error(run(*p, R"({"a":1,"time":null})")));
  auto spaced = run(*p, "  {\"a\":1}  ");
  CHECK(ok(spaced));
}

TEST_CASE("json: a line parsed where it lies reads nothing of the bytes after it") {
  // in_tail hands the parser a line inside its read buffer, followed by the next lines.
  auto p = make_parser("json", kDockerJson);
  const std::string_view texts[] = {
      R"({"log":"a \"quoted\" word\n","stream":"stdout","time":"2020-06-01T00:00:00.1Z"})",
      R"({"log":"plain","stream":"stderr","time":"2020-06-01T00:00:00.123456789Z"})",
      R"({"a":1} trailing)",
      R"({"a":1}{"b":2})",
      R"({"log":"unclosed)",
      R"([{"a":1},2])",
      "123",
      "",
      R"({"n":12345678901234567890123})",
  };
  const std::string_view afters[] = {"", "\n", "\n{\"next\":\"line\"}\n", "]}\"\\", "4567"};
  for (auto text : texts) {
    std::string copied = run_all(*p, text, "", false);
    REQUIRE(!copied.empty());
    for (auto after : afters) {
      INFO("text: " << text << " after: " << after);
      CHECK(run_all(*p, text, after) == copied);
    }
  }
}

TEST_CASE("json: the docker json-file records of the fixture") {
  auto p = make_parser("json", kDockerJson);
  REQUIRE(p);
  auto r = run(
      *p,
      R"({"log":"I0601 10:00:04.000000       1 event.go:307] \"Event occurred\" pod=\"coredns-5d78c9869d-7xkzq\" reason=\"Scheduled\" message=\"caf\u00e9 \u65e5\u672c\u8a9e, raw UTF-8: ü ✓ 😀, tab:\t, backslash:\\\\ \"\n","stream":"stderr","time":"2020-06-01T10:00:04.000000004Z"})");
  REQUIRE(ok(r));
  CHECK(r.time.sec == utc(2020, 6, 1, 10, 0, 4));
  CHECK(r.time.nsec == 4);
  CHECK(
      r.record ==
      "{\"log\":\"I0601 10:00:04.000000       1 event.go:307] \\\"Event occurred\\\" "
      "pod=\\\"coredns-5d78c9869d-7xkzq\\\" reason=\\\"Scheduled\\\" message=\\\"café 日本語, raw "
      "UTF-8: ü ✓ 😀, tab:\\t, backslash:\\\\\\\\ \\\"\\n\",\"stream\":\"stderr\"}");
  auto no_frac = run(*p, R"({"log":"x\n","stream":"stderr","time":"2020-06-01T10:00:01Z"})");
  REQUIRE(error(no_frac));
  CHECK(no_frac.result.error ==
        "invalid time format: value = 2020-06-01T10:00:01Z, error_class = ArgumentError, error = "
        "string doesn't match");
  auto no_time = run(*p, R"({"log":"x\n","stream":"stderr"})");
  REQUIRE(ok(no_time));
  CHECK_FALSE(no_time.result.has_time);
}

TEST_CASE("json: keep_time_key keeps the field in place; nested values; duplicates") {
  auto p =
      make_parser("json", {{"time_format", "%Y-%m-%dT%H:%M:%S.%N%z"}, {"keep_time_key", "true"}});
  auto r = run(*p, R"({"a":1,"time":"2020-06-01T10:00:00.5Z","n":{"x":[1,2.5,true,null,"s"]}})");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"a":1,"time":"2020-06-01T10:00:00.5Z","n":{"x":[1,2.5,true,null,"s"]}})");
  auto d = make_parser("json");
  auto dup = run(*d, R"({"a":1,"b":2,"a":3})");
  REQUIRE(ok(dup));
  CHECK(dup.record == R"({"a":3,"b":2})");
  CHECK(run(*d, R"({"big":18446744073709551615,"neg":-5})").record ==
        R"({"big":18446744073709551615,"neg":-5})");
}

TEST_CASE("json: keys and strings with and without escapes, empty ones, in nested values") {
  auto p = make_parser("json");
  auto r =
      run(*p, R"({"k\u0065y":"v","":"","q":"a\"b","e":"\\","n":{"x\ty":["","s\n"]},"z":"end"})");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"key":"v","":"","q":"a\"b","e":"\\","n":{"x\ty":["","s\n"]},"z":"end"})");
  // A key that only looks like the time key once unescaped is the time key.
  auto t = make_parser("json", {{"time_format", "%Y-%m-%dT%H:%M:%S%z"}});
  auto tr = run(*t, R"({"ti\u006de":"2020-06-01T10:00:00Z","m":"x"})");
  REQUIRE(ok(tr));
  CHECK(tr.record == R"({"m":"x"})");
}

TEST_CASE("json: estimate_current_event false without time is no match; arrays expand") {
  auto p = make_parser("json", {{"estimate_current_event", "false"}});
  CHECK(no_match(run(*p, R"({"a":1})")));
  auto a = make_parser("json");
  struct Collect : Parser::Sink {
    std::string buf;
    MsgpackWriter w{buf};
    std::vector<ParseResult::Code> codes;
    MsgpackWriter& record_writer() override { return w; }
    void on_result(const ParseResult& r, EventTime) override { codes.push_back(r.code); }
  } sink;
  a->parse_all(R"([1,{"a":1},2])", sink);
  REQUIRE(sink.codes.size() == 3);
  CHECK(sink.codes[0] == ParseResult::Code::kNotMatched);
  CHECK(sink.codes[1] == ParseResult::Code::kOk);
  CHECK(sink.codes[2] == ParseResult::Code::kNotMatched);
}

TEST_CASE("json: invalid UTF-8 inside strings is kept readable, not dropped") {
  auto p = make_parser("json");
  auto r = run(*p, "{\"a\":\"x\xff y\"}");
  REQUIRE(ok(r));
  CHECK(r.record == "{\"a\":\"x\xef\xbf\xbd y\"}");
}

TEST_CASE("json: types and null options") {
  auto p = make_parser("json", {{"types", "n:integer,f:float,b:bool,s:string,arr:array"},
                                {"null_empty_string", "true"}});
  auto r = run(*p, R"({"n":"12abc","f":"1.5x","b":"yes","s":5,"arr":"a,b","e":""})");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"n":12,"f":1.5,"b":true,"s":"5","arr":["a","b"],"e":null})");
}

TEST_CASE("regexp: types, missing optional group, null_value_pattern") {
  auto p = make_parser(
      "regexp", {{"expression", R"(/^(?<host>\S+) (?<code>\d+)(?: (?<size>\d+))? (?<ok>\w+)$/)"},
                 {"types", "code:integer,size:float,ok:bool"}});
  REQUIRE(p);
  auto r = run(*p, "h2 404 no");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"host":"h2","code":404,"ok":false})");
  CHECK(no_match(run(*p, "nothing")));
  auto n = make_parser("regexp", {{"expression", "/^(?<v>.*)$/"}, {"null_value_pattern", "-"}});
  CHECK(run(*n, "x-y").record == R"({"v":null})");
  auto h = make_parser("regexp", {{"expression", R"(/^(?<id>\h+)$/)"}});
  CHECK(run(*h, "00ff").record == R"({"id":"00ff"})");
  CHECK(no_match(run(*h, "xyz")));
}

TEST_CASE("regexp without named groups is a config error") {
  auto p = make_parser("regexp", {{"expression", "/^abc$/"}});
  CHECK_FALSE(p);
  CHECK(p.diags.has_errors());
}

TEST_CASE("none: the whole line") {
  auto p = make_parser("none");
  auto r = run(*p, "hello world");
  CHECK(r.record == R"({"message":"hello world"})");
  CHECK_FALSE(r.result.has_time);
  CHECK(run(*p, "").record == R"({"message":""})");
}

TEST_CASE("apache2") {
  ScopedTz tz("UTC");
  auto p = make_parser("apache2");
  auto r = run(
      *p,
      R"(192.168.0.1 - bob [28/Feb/2013:12:00:00 +0900] "GET /a b HTTP/1.1" 304 - "http://r" "UA")");
  REQUIRE(ok(r));
  CHECK(
      r.record ==
      R"({"host":"192.168.0.1","user":"bob","method":"GET","path":"/a b","code":304,"size":null,"referer":"http://r","agent":"UA"})");
  CHECK(r.time.sec == utc(2013, 2, 28, 3, 0, 0));
}

TEST_CASE("nginx") {
  auto p = make_parser("nginx");
  auto r = run(
      *p,
      R"(127.0.0.1 192.168.0.1 - [28/Feb/2013:12:00:00 +0900] "GET / HTTP/1.1" 200 777 "-" "Opera/12.0" -)");
  REQUIRE(ok(r));
  CHECK(
      r.record ==
      R"({"remote":"127.0.0.1","host":"192.168.0.1","user":"-","method":"GET","path":"/","code":"200","size":"777","referer":"-","agent":"Opera/12.0","http_x_forwarded_for":"-"})");
  CHECK(r.time.sec == utc(2013, 2, 28, 3, 0, 0));
}

TEST_CASE("ltsv, csv, tsv") {
  ScopedTz tz("UTC");
  auto l = make_parser("ltsv");
  auto r = run(*l, "time:2013-02-28T12:00:00+09:00\thost:h\tmsg:a:b\tnovalue\tempty:");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"host":"h","msg":"a:b","empty":""})");
  CHECK(r.time.sec == utc(2013, 2, 28, 3, 0, 0));
  auto c = make_parser("csv", {{"keys", "a,b,c"}});
  REQUIRE(c);
  CHECK(run(*c, R"(x,"y,1","say ""hi""")").record == R"({"a":"x","b":"y,1","c":"say \"hi\""})");
  CHECK(run(*c, R"(x,,"")").record == R"({"a":"x","b":null,"c":""})");
  CHECK(run(*c, "x").record == R"({"a":"x","b":null,"c":null})");
  CHECK(error(run(*c, R"(x,"unclosed)")));
  CHECK(no_match(run(*c, "")));
  auto t = make_parser("tsv", {{"keys", "a,b,c"}});
  CHECK(run(*t, "1\t2\t3\t4").record == R"({"a":"1","b":"2","c":"3\t4"})");
  CHECK(run(*t, "1").record == R"({"a":"1","b":null,"c":null})");
}

TEST_CASE("syslog rfc3164 and rfc5424") {
  ScopedTz tz("UTC");
  auto p = make_parser("syslog");
  auto r = run(*p, "Feb 28 12:00:00 192.168.0.1 fluentd[11111]: [error] Syslog test");
  REQUIRE(ok(r));
  CHECK(
      r.record ==
      R"({"host":"192.168.0.1","ident":"fluentd","pid":"11111","message":"[error] Syslog test"})");
  auto pri = make_parser("syslog", {{"with_priority", "true"}});
  auto rp = run(*pri, "<6>Feb 28 12:00:00 host app: hello");
  REQUIRE(ok(rp));
  CHECK(rp.record == R"({"pri":6,"host":"host","ident":"app","message":"hello"})");
  CHECK(no_match(run(*pri, "Feb 28 12:00:00 host app: hello")));
  auto f5424 = make_parser("syslog", {{"message_format", "rfc5424"}});
  auto r5 = run(*f5424,
                "<16>1 2013-02-28T12:00:00.003Z 192.168.0.1 fluentd 11111 ID24224 "
                "[exampleSDID@20224 iut=\"3\"] Hi");
  REQUIRE(ok(r5));
  CHECK(
      r5.record ==
      R"({"host":"192.168.0.1","ident":"fluentd","pid":"11111","msgid":"ID24224","extradata":"[exampleSDID@20224 iut=\"3\"]","message":"Hi"})");
  CHECK(r5.time.sec == utc(2013, 2, 28, 12, 0, 0));
  CHECK(r5.time.nsec == 3000000);
}

TEST_CASE("cri: fields, keep_time_key, partial pieces, nested parser") {
  ScopedTz tz("UTC");
  auto p = make_parser("cri");
  REQUIRE(p);
  auto r = run(*p, "2020-06-01T10:00:00.123456789+00:00 stdout F hello world");
  REQUIRE(ok(r));
  CHECK(
      r.record ==
      R"({"stream":"stdout","logtag":"F","message":"hello world","time":"2020-06-01T10:00:00.123456789+00:00"})");
  CHECK(r.time.nsec == 123456789);
  CHECK(ok(run(*p, "2020-06-01T10:00:00.5Z stderr F ")));
  CHECK(run(*p, "2020-06-01T10:00:00.5Z stderr F ").record.find(R"("message":"")") !=
        std::string::npos);
  CHECK(no_match(run(*p, "2020-06-01T10:00:00.5Z stdout")));
  CHECK(error(run(*p, "2020-06-01T10:00:00Z stdout F x")));
  CHECK_FALSE(p->joins_partial_lines());
  auto m = make_parser("cri", {{"merge_cri_partial", "true"}});
  Parser::LinePiece piece;
  std::string line = "2020-06-01T10:00:00.5Z stdout P part one";
  REQUIRE(m->describe_piece(line, piece));
  CHECK(piece.partial);
  CHECK(line.substr(piece.content_begin, piece.content_end - piece.content_begin) == "part one");
  REQUIRE(m->describe_piece("2020-06-01T10:00:00.5Z stdout F end", piece));
  CHECK_FALSE(piece.partial);
  config::Element child = make_element("json", {});
  child.name = "parse";
  auto nested = make_parser("cri", {}, &child);
  REQUIRE(nested);
  auto rn = run(*nested, R"(2020-06-01T10:00:00.5Z stdout F {"level":"info"})");
  REQUIRE(ok(rn));
  CHECK(rn.record == R"({"level":"info","stream":"stdout","logtag":"F"})");
  CHECK_FALSE(rn.result.has_time);
}

TEST_CASE("json merge_docker_partial describes 16 KiB pieces") {
  auto p = make_parser("json", {{"merge_docker_partial", "true"}});
  Parser::LinePiece piece;
  std::string partial = R"({"log":"abc","stream":"stdout","time":"2020-06-01T10:00:00.1Z"})";
  REQUIRE(p->describe_piece(partial, piece));
  CHECK(piece.partial);
  CHECK(partial.substr(piece.content_begin, piece.content_end - piece.content_begin) == "abc");
  REQUIRE(p->describe_piece(R"({"log":"def\n","stream":"stdout"})", piece));
  CHECK_FALSE(piece.partial);
  REQUIRE(p->describe_piece(R"({"log":"a\\n","stream":"stdout"})", piece));
  CHECK(piece.partial);  // an escaped backslash followed by n is not a newline
}

TEST_CASE("multiline: firstline and several events in one text") {
  auto p = make_parser(
      "multiline",
      {{"format_firstline", "/^\\d{4}-/"},
       {"format1", "/^(?<time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) (?<message>.*)/"},
       {"time_format", "%Y-%m-%d %H:%M:%S"}});
  REQUIRE(p);
  CHECK(p->has_firstline());
  CHECK(p->is_firstline("2020-06-01 10:00:00 start"));
  CHECK_FALSE(p->is_firstline("  at frame"));
  auto r = run(*p, "2020-06-01 10:00:00 boom\n  at a\n  at b");
  REQUIRE(ok(r));
  CHECK(r.record == R"({"message":"boom\n  at a\n  at b"})");
  auto bad = make_parser("multiline", {{"format1", "no-slashes"}});
  CHECK_FALSE(bad);
  auto jump = make_parser("multiline", {{"format1", "/(?<a>x)/"}, {"format3", "/y/"}});
  CHECK_FALSE(jump);
}

TEST_CASE("msgpack: a map keeps an integer time field and gets the current time") {
  auto p = make_parser("msgpack");
  std::string in;
  MsgpackWriter w(in);
  w.map_header(2);
  w.str("time");
  w.integer(1591005600);
  w.str("a");
  w.str("b");
  auto r = run(*p, in);
  REQUIRE(ok(r));
  CHECK_FALSE(r.result.has_time);
  CHECK(r.record == R"({"time":1591005600,"a":"b"})");
}

TEST_CASE("common parameter validation") {
  CHECK_FALSE(make_parser("json", {{"timezone", "UTC"}}));
  CHECK(make_parser("json", {{"timezone", "Etc/UTC"}}));
  CHECK_FALSE(make_parser("json", {{"types", "a:nosuchtype"}}));
  CHECK_FALSE(make_parser("json", {{"utc", "true"}, {"localtime", "true"}}));
  CHECK_FALSE(make_parser("json", {{"time_type", "weird"}}));
}

TEST_CASE("json: escaped strings are unescaped into the record with the shortest header") {
  // Bodies whose unescaped length falls on either side of the fixstr/str8/str16 boundaries,
  // with up to 40 escapes of every kind, so the header sized for the escaped length is
  // sometimes too big and must shrink.
  simdjson::ondemand::parser parser;
  REQUIRE(parser.allocate(1 << 20) == simdjson::SUCCESS);
  std::mt19937 rng(7);
  const std::pair<std::string, std::string> escapes[] = {{"\\\"", "\""},
                                                         {"\\\\", "\\"},
                                                         {"\\/", "/"},
                                                         {"\\b", "\b"},
                                                         {"\\f", "\f"},
                                                         {"\\n", "\n"},
                                                         {"\\r", "\r"},
                                                         {"\\t", "\t"},
                                                         {"\\u00e9", "\xc3\xa9"},
                                                         {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"}};
  for (size_t target : {0, 1, 30, 31, 32, 33, 34, 254, 255, 256, 257, 258, 65535, 65536, 70000}) {
    for (int escaped : {0, 1, 2, 17, 40}) {
      std::string body, decoded;
      std::vector<size_t> at;
      for (int i = 0; i < escaped && static_cast<size_t>(i) < target; ++i)
        at.push_back(rng() % target);
      std::sort(at.begin(), at.end());
      size_t next = 0;
      while (decoded.size() < target) {
        if (next < at.size() && at[next] <= decoded.size()) {
          const auto& [code, bytes] = escapes[rng() % 10];
          body += code;
          decoded += bytes;
          ++next;
        } else {
          char c = "aZ9 ~/"[rng() % 6];
          body += c;
          decoded += c;
        }
      }
      // As in a parsed line: the closing quote and padding follow the body.
      std::string text = body + '"' + std::string(simdjson::SIMDJSON_PADDING, ' ');
      std::string got = "prefix", want = "prefix";
      MsgpackWriter got_writer(got), want_writer(want);
      REQUIRE(parser_json::write_unescaped_string(
          parser, std::string_view(text.data(), body.size()), got_writer));
      want_writer.str(decoded);
      INFO("length " << target << ", escapes " << escaped);
      CHECK(got == want);
    }
  }
  std::string bad = std::string("bad \\x escape\"") + std::string(simdjson::SIMDJSON_PADDING, ' ');
  std::string out = "kept";
  MsgpackWriter w(out);
  CHECK_FALSE(parser_json::write_unescaped_string(parser, std::string_view(bad.data(), 13), w));
  CHECK(out == "kept");
  // Through the parser: escapes in top-level and nested strings.
  auto p = make_parser("json");
  auto r = run(*p, R"({"a":"x\ty\u0041\n","b":["\/\b\f\r"],"c":"\u00e9\\"})");
  REQUIRE(ok(r));
  // (The test's renderer writes \b, \f and \r as the raw bytes.)
  CHECK(r.record == "{\"a\":\"x\\tyA\\n\",\"b\":[\"/\b\f\r\"],\"c\":\"é\\\\\"}");
  CHECK_FALSE(ok(run(*p, R"({"a":"bad \q escape"})")));
}

TEST_CASE("json: the sink's pairs are added as the record closes, only where no key is shared") {
  struct Collect : Parser::Sink {
    MapAppendix pairs;
    std::string buf;
    MsgpackWriter writer{buf};
    std::vector<std::pair<bool, std::string>> got;  // appendix_applied, record
    const MapAppendix* record_appendix() const override { return &pairs; }
    MsgpackWriter& record_writer() override {
      buf.clear();
      return writer;
    }
    void on_result(const ParseResult& r, EventTime) override {
      if (r.code == ParseResult::Code::kOk) got.emplace_back(r.appendix_applied, to_json(buf));
    }
  } sink;
  sink.pairs.add_string("node", "n1");
  sink.pairs.add_string("path", "/p");
  auto p = make_parser("json", {{"time_key", "t"}, {"time_type", "unixtime"}});
  auto parse = [&](std::string text) {
    sink.got.clear();
    text.append(64, ' ');
    p->parse_all_in_place(std::string_view(text.data(), text.size() - 64), 64, sink);
    REQUIRE(sink.got.size() == 1);
    return sink.got[0];
  };
  CHECK(parse(R"({"a":1,"b":"x\n"})") ==
        std::pair<bool, std::string>{true, R"({"a":1,"b":"x\n","node":"n1","path":"/p"})"});
  // A shared key, a repeated key, or a consumed time key named like a pair: the sink adds them.
  CHECK(parse(R"({"a":1,"node":"old"})") ==
        std::pair<bool, std::string>{false, R"({"a":1,"node":"old"})"});
  CHECK(parse(R"({"a":1,"a":2})").first == false);
  sink.pairs.add_string("t", "x");
  CHECK(parse(R"({"t":5,"a":1})") == std::pair<bool, std::string>{false, R"({"a":1})"});
  // Elements of an array line each get the pairs.
  sink.pairs.clear();
  sink.pairs.add_string("node", "n1");
  sink.got.clear();
  std::string arr = R"([{"a":1},{"b":2}])" + std::string(64, ' ');
  p->parse_all_in_place(std::string_view(arr.data(), arr.size() - 64), 64, sink);
  REQUIRE(sink.got.size() == 2);
  CHECK(sink.got[0] == std::pair<bool, std::string>{true, R"({"a":1,"node":"n1"})"});
  CHECK(sink.got[1] == std::pair<bool, std::string>{true, R"({"b":2,"node":"n1"})"});
}
