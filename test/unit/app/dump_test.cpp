#include <catch2/catch.hpp>

#include "config/dump.hpp"

using namespace shipper::config;

namespace {
struct Inner {
  std::string name;
  static void describe(Schema<Inner>& s) { s.param("name", &Inner::name); }
};
struct Params {
  std::string host;
  int port = 24224;
  std::string shared_key;
  std::optional<Inner> inner;
  static void describe(Schema<Params>& s) {
    s.param("host", &Params::host);
    s.param("port", &Params::port);
    s.param("shared_key", &Params::shared_key).secret();
    s.section("inner", &Params::inner);
  }
};
Param param(std::string k, std::string v) {
  Param p;
  p.key = std::move(k);
  p.value = std::move(v);
  return p;
}
}  // namespace

TEST_CASE("dump renders by declared type, params before sections, secrets masked") {
  Element root;
  root.name = "ROOT";
  Element match;
  match.name = "match";
  match.arg = "app.**";
  match.params.push_back(param("@type", "forward"));
  Element inner;
  inner.name = "inner";
  inner.params.push_back(param("name", "a\"b\\c\n"));
  match.children.push_back(inner);
  match.params.push_back(param("host", "127.0.0.1"));
  match.params.push_back(param("port", "24224"));
  match.params.push_back(param("shared_key", "s3cret"));
  match.params.push_back(param("undeclared", "raw value"));
  Param nil = param("nothing", "");
  nil.is_nil = true;
  match.params.push_back(nil);
  root.children.push_back(match);

  DumpTypes types;
  types.schemas[&root.children[0]] = &schema_of<Params>();
  types.schemas[&root.children[0].children[0]] = &schema_of<Inner>();
  std::string out = dump_element(root, &types, 0);
  CHECK(out ==
        "<ROOT>\n"
        "  <match app.**>\n"
        "    @type forward\n"
        "    host \"127.0.0.1\"\n"
        "    port 24224\n"
        "    shared_key xxxxxx\n"
        "    undeclared raw value\n"
        "    nothing \n"
        "    <inner>\n"
        "      name \"a\\\"b\\\\c\\n\"\n"
        "    </inner>\n"
        "  </match>\n"
        "</ROOT>\n");
  // Without types every value is raw (and the secret is not known to be one).
  CHECK(dump_element(root, nullptr, 0).find("shared_key s3cret") != std::string::npos);
}

TEST_CASE("@type of a plugin section is a string") {
  Element parse;
  parse.name = "parse";
  parse.params.push_back(param("@type", "json"));
  DumpTypes types;
  types.plugin_sections.insert(&parse);
  CHECK(dump_element(parse, &types, 0) == "<parse>\n  @type \"json\"\n</parse>\n");
}
