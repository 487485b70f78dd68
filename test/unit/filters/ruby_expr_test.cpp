#include <catch2/catch.hpp>

#include "filter_util.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::test;

namespace {

// The record produced by enable_ruby with one field `v` = `value`.
std::string ruby(const std::string& value,
                 std::string_view record = R"({"a":{"b":"deep"},"s":" Hello ","n":5,"nil":null})",
                 const KV& extra = {}) {
  KV params = {{"enable_ruby", "true"}};
  params.insert(params.end(), extra.begin(), extra.end());
  auto b = make_filter("record_transformer",
                       element("filter", params, {element("record", {{"v", value}})}));
  if (!b->filter)
    return "config error: " +
           (b->diags.items().empty() ? std::string() : b->diags.items().back().message);
  EventBatch in = batch("app.web.prod", {record}, {1591005600, 500000000}), out;
  b->filter->filter(in, out);
  auto e = entries(out);
  if (e.empty()) return "error event";
  std::string j = e[0].json;
  size_t at = j.find("\"v\":");
  return j.substr(at + 4, j.size() - at - 5);
}

}  // namespace

TEST_CASE("enable_ruby: record access, dig, tag variables") {
  CHECK(ruby(R"(${record["a"]["b"]})") == R"("deep")");
  CHECK(ruby(R"(${record.dig("a", "b")})") == R"("deep")");
  CHECK(ruby(R"(${record.dig("x", "b")})") == "null");
  CHECK(ruby(R"(${record["n"]})") == "5");
  CHECK(ruby(R"(${record["a"]})") == R"({"b":"deep"})");
  CHECK(ruby("${tag}") == R"("app.web.prod")");
  CHECK(ruby("${tag_parts[1]}") == R"("web")");
  CHECK(ruby("${tag_parts[-1]}") == R"("prod")");
  CHECK(ruby("${tag_parts.last}") == R"("prod")");
  CHECK(ruby("${tag_prefix[1]}") == R"("app.web")");
  CHECK(ruby("${tag_suffix[1]}") == R"("web.prod")");
}

TEST_CASE("enable_ruby: string methods, literals, concatenation and interpolation") {
  CHECK(ruby(R"(${record["s"].strip.upcase})") == R"("HELLO")");
  CHECK(ruby(R"(${record["s"].downcase})") == R"(" hello ")");
  CHECK(ruby(R"(${"a-b-c".split("-")[1]})") == R"("b")");
  CHECK(ruby(R"(${"a-b-c".gsub("-", "+")})") == R"("a+b+c")");
  CHECK(ruby(R"(${tag + "." + record["n"].to_s})") == R"("app.web.prod.5")");
  CHECK(ruby(R"(${"n=#{record["n"]}!"})") == R"("n=5!")");
  CHECK(ruby(R"(x ${tag_parts[0]} y ${record["n"]})") == R"("x app y 5")");
  CHECK(ruby(R"(${record["n"].to_s})") == R"("5")");
  CHECK(ruby(R"(${"42abc".to_i})") == "42");
  CHECK(ruby(R"(${'single'})") == R"("single")");
}

TEST_CASE("enable_ruby: conditions, equality, nil?") {
  CHECK(ruby(R"(${record["n"] == 5 ? "five" : "other"})") == R"("five")");
  CHECK(ruby(R"(${record["n"] != 5})") == "false");
  CHECK(ruby(R"(${record["nil"].nil?})") == "true");
  CHECK(ruby(R"(${record["missing"] || "default"})") == R"("default")");
  CHECK(ruby(R"(${record["n"] && record["s"].strip})") == R"("Hello")");
  CHECK(ruby(R"(${!record["nil"]})") == "true");
}

TEST_CASE("enable_ruby: time") {
  CHECK(ruby("${time}") == R"("2020-06-01 10:00:00 +0000")");
  CHECK(ruby("${time.to_i}") == "1591005600");
  CHECK(ruby("${Time.at(time).to_s}") == R"("2020-06-01 10:00:00 +0000")");
  CHECK(ruby(R"(${Time.at(record["n"]).to_s})") == R"("1970-01-01 00:00:05 +0000")");
  CHECK(ruby("at ${time}") == R"("at 2020-06-01 10:00:00 +0000")");
}

TEST_CASE("enable_ruby: auto_typecast false stringifies") {
  CHECK(ruby(R"(${record["n"]})", R"({"n":5})", {{"auto_typecast", "false"}}) == R"("5")");
  CHECK(ruby(R"(${record["nil"]})", R"({"nil":null})", {{"auto_typecast", "false"}}) == R"("")");
}

TEST_CASE("enable_ruby: Ruby errors at run time become error events") {
  CHECK(ruby(R"(${record["missing"].upcase})") == "error event");
  CHECK(ruby(R"(${"a" + record["n"]})") == "error event");
  CHECK(ruby(R"(${record["missing"]["x"]})") == "error event");
}

TEST_CASE("enable_ruby: unsupported Ruby is rejected at configure time with its location") {
  CHECK(ruby("${record.map { |k, v| k }}") ==
        "config error: enable_ruby: method `map` is not supported in `${record.map { |k, v| k }}`");
  CHECK(ruby("${system('ls')}") ==
        "config error: enable_ruby: `system` is not supported in `${system('ls')}`");
  CHECK(ruby("${ENV['HOME']}") ==
        "config error: enable_ruby: `ENV` is not supported in `${ENV['HOME']}`");
  CHECK(ruby("${1 - 2}") ==
        "config error: enable_ruby: operator `-` is not supported in `${1 - 2}`");
  auto b = make_filter("record_transformer", element("filter", {{"enable_ruby", "true"}},
                                                     {element("record", {{"k", "${tag.foo}"}})}));
  REQUIRE(b->diags.has_errors());
  const auto& d = b->diags.items().back();
  CHECK(d.loc.file == "test.conf");
  CHECK(d.loc.line == 2);
  // "k ${tag.foo}": the value starts at column 5; `foo` is 6 characters in.
  CHECK(d.loc.column == 5 + 6);
}
