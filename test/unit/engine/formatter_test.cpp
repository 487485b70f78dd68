// Formatters: out_stdout's exact Fluentd line (checked against real Fluentd output), the JSON
// writer, and the json / out_file / ltsv / csv / single_value / msgpack formatters.
#include <stdlib.h>
#include <time.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"
#include "core/record_json.hpp"
#include "engine/registry.hpp"
#include "engine/sub_plugin.hpp"
#include "plugins/in_sample/sample_records.hpp"

using namespace shipper;

namespace {

// A record from JSON text, as msgpack.
std::string record_from_json(const std::string& json) {
  std::vector<in_sample::SampleRecord> recs;
  std::string error;
  REQUIRE(in_sample::parse_sample(json, recs, error));
  REQUIRE(recs.size() == 1);
  std::string out;
  MsgpackWriter w(out);
  w.map_header(static_cast<uint32_t>(recs[0].entries.size()));
  for (const auto& [k, v] : recs[0].entries) {
    w.raw(k);
    w.raw(v);
  }
  return out;
}

struct FormatterUnderTest {
  config::Element root;
  PluginContext owner;
  SubPlugin<Formatter> f;
  explicit FormatterUnderTest(const std::string& format_section) {
    config::Diagnostics diags;
    root = config::parse_text(format_section, "t.conf", ".", diags);
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(root.children.size() == 1);
    const config::Element& e = root.children[0];
    f = create_sub_plugin<Formatter>(owner, e, config::PluginKind::kFormatter, e.type());
  }
  std::string format(const std::string& tag, EventTime t, const std::string& json) {
    std::string out;
    f->format(tag, t, record_from_json(json), out);
    return out;
  }
};

void use_utc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

}  // namespace

TEST_CASE("out_stdout lines are byte-identical to Fluentd 1.18's") {
  use_utc();
  std::ifstream in(std::string(SHIPPER_FIXTURES_DIR) + "/engine/json-records.fluentd.stdout");
  REQUIRE(in.good());
  FormatterUnderTest stdout_fmt("<format>\n  @type stdout\n</format>\n");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    // Record lines: "<date> <time>.<9 digits> +0000 <tag>: {json}"
    if (line.size() < 40 || line[19] != '.' || line.find(": {") == std::string::npos) continue;
    size_t tag_start = 36;
    size_t colon = line.find(": {", tag_start);
    std::string tag = line.substr(tag_start, colon - tag_start);
    std::string json = line.substr(colon + 2);
    struct tm parts {};
    REQUIRE(strptime(line.substr(0, 19).c_str(), "%Y-%m-%d %H:%M:%S", &parts));
    EventTime t{static_cast<uint32_t>(timegm(&parts)),
                static_cast<uint32_t>(std::stoul(line.substr(20, 9)))};
    CHECK(stdout_fmt.format(tag, t, json) == line + "\n");
    ++checked;
  }
  CHECK(checked == 6);
}

TEST_CASE("JSON writer: escapes, raw UTF-8, numbers as Ruby prints them") {
  std::string r = record_from_json(
      R"({"s":"a/b \"q\" \\ \t\n\u0001 é","f":1.0,"g":0.1,"h":1e20,"i":-5,"n":null,"t":true,"a":[1,[2]],"m":{}})");
  std::string out;
  REQUIRE(append_msgpack_as_json(r, out));
  CHECK(
      out ==
      R"({"s":"a/b \"q\" \\ \t\n\u0001 é","f":1.0,"g":0.1,"h":1.0e+20,"i":-5,"n":null,"t":true,"a":[1,[2]],"m":{}})");
  auto ruby = [](double v) {
    std::string s;
    append_ruby_float(v, s);
    return s;
  };
  CHECK(ruby(1.5) == "1.5");
  CHECK(ruby(100.0) == "100.0");
  CHECK(ruby(1e15) == "1000000000000000.0");
  CHECK(ruby(1e16) == "1.0e+16");
  CHECK(ruby(0.0001) == "0.0001");
  CHECK(ruby(0.00001) == "1.0e-05");
  CHECK(ruby(-2.25) == "-2.25");
  CHECK(ruby(123456.789) == "123456.789");
}

TEST_CASE("json formatter") {
  FormatterUnderTest f("<format>\n  @type json\n</format>\n");
  CHECK(f.format("t", {0, 0}, R"({"a":1,"b":"x"})") == "{\"a\":1,\"b\":\"x\"}\n");
  FormatterUnderTest no_nl("<format>\n  @type json\n  add_newline false\n</format>\n");
  CHECK(no_nl.format("t", {0, 0}, R"({"a":1})") == "{\"a\":1}");
}

TEST_CASE("out_file formatter: time, tag and JSON separated by tabs") {
  use_utc();
  EventTime t{1590976800, 5};  // 2020-06-01 02:00:00 UTC
  FormatterUnderTest def("<format>\n  @type out_file\n</format>\n");
  CHECK(def.format("app.x", t, R"({"a":1})") == "2020-06-01T02:00:00+00:00\tapp.x\t{\"a\":1}\n");
  FormatterUnderTest utc("<format>\n  @type out_file\n  utc true\n</format>\n");
  CHECK(utc.format("app.x", t, R"({"a":1})") == "2020-06-01T02:00:00Z\tapp.x\t{\"a\":1}\n");
  FormatterUnderTest custom(
      "<format>\n  @type out_file\n  delimiter COMMA\n  time_format %Y%m%d %H:%M:%S.%3N\n  "
      "output_tag false\n</format>\n");
  CHECK(custom.format("t", t, R"({"a":1})") == "20200601 02:00:00.000,{\"a\":1}\n");
  FormatterUnderTest epoch("<format>\n  @type out_file\n  time_type unixtime\n</format>\n");
  CHECK(epoch.format("t", t, R"({})") == "1590976800\tt\t{}\n");
  FormatterUnderTest tz("<format>\n  @type out_file\n  timezone +09:00\n</format>\n");
  CHECK(tz.format("t", t, R"({})") == "2020-06-01T11:00:00+09:00\tt\t{}\n");
}

TEST_CASE("ltsv, csv, single_value and msgpack formatters") {
  FormatterUnderTest ltsv("<format>\n  @type ltsv\n</format>\n");
  CHECK(ltsv.format("t", {0, 0}, R"({"a":"x","b":2,"c":null})") == "a:x\tb:2\tc:\n");
  FormatterUnderTest csv("<format>\n  @type csv\n  fields a,b,missing\n</format>\n");
  CHECK(csv.format("t", {0, 0}, R"({"b":"say \"hi\"","a":1})") ==
        "\"1\",\"say \"\"hi\"\"\",\"\"\n");
  FormatterUnderTest csv_plain(
      "<format>\n  @type csv\n  fields a,b\n  force_quotes false\n  delimiter \\t\n</format>\n");
  CHECK(csv_plain.format("t", {0, 0}, R"({"a":"x y","b":"p\tq"})") == "x y\t\"p\tq\"\n");
  FormatterUnderTest single("<format>\n  @type single_value\n</format>\n");
  CHECK(single.format("t", {0, 0}, R"({"message":"hello","x":1})") == "hello\n");
  CHECK(single.format("t", {0, 0}, R"({"x":1})") == "\n");
  FormatterUnderTest mp("<format>\n  @type msgpack\n</format>\n");
  std::string rec = record_from_json(R"({"a":1})");
  CHECK(mp.format("t", {0, 0}, R"({"a":1})") == rec);
}

TEST_CASE("stdout formatter with output_type") {
  use_utc();
  FormatterUnderTest f("<format>\n  @type stdout\n  output_type ltsv\n</format>\n");
  CHECK(f.format("tg", {1590976800, 123}, R"({"a":"b"})") ==
        "2020-06-01 02:00:00.000000123 +0000 tg: a:b\n");
}
