// The dry-run configs Fluentd 1.18 was run with (test/fixtures/config, copied from the golden
// fixtures): the same files must parse, or fail, where Fluentd's parser did.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "config/loader.hpp"

using namespace shipper::config;

namespace {
std::string fixture(const std::string& name) {
  return std::string(SHIPPER_FIXTURES_DIR) + "/config/" + name;
}
}  // namespace

TEST_CASE("01_valid parses into the expected tree") {
  setenv("MY_NODE_NAME", "node-1", 1);
  LoadedConfig c = load_config({fixture("01_valid.conf")});
  for (const auto& d : c.diags.items()) INFO(format_text(d));
  REQUIRE(c.ok());
  REQUIRE(c.root.children.size() == 3);
  CHECK(c.root.children[0].name == "source");
  CHECK(c.root.children[0].type() == "tail");
  CHECK(c.root.children[1].name == "filter");
  CHECK(c.root.children[1].children[0].value_of("nodename") == "node-1");
  CHECK(c.root.children[2].children[1].name == "buffer");
  CHECK(c.root.children[2].children[1].arg == "tag,time");
}

TEST_CASE("04: a missing </source> is reported at the unclosed tag") {
  LoadedConfig c = load_config({fixture("04_missing_close_tag.conf")});
  REQUIRE_FALSE(c.ok());
  const Diagnostic& d = c.diags.items()[0];
  CHECK(d.code == "missing-end-tag");
  CHECK(d.message == "expected end tag '</source>' but got end of file");
  CHECK(d.loc.line == 2);
  CHECK(d.loc.column == 1);
}

TEST_CASE("05: a stray </match> is an unmatched end tag on line 32") {
  LoadedConfig c = load_config({fixture("05_stray_close_tag.conf")});
  REQUIRE_FALSE(c.ok());
  const Diagnostic& d = c.diags.items()[0];
  CHECK(d.code == "unmatched-end-tag");
  CHECK(d.loc.line == 32);
  CHECK(d.loc.column == 1);
}

TEST_CASE("10: an unset variable gives an empty value and a warning") {
  unsetenv("UNSET_VAR");
  LoadedConfig c = load_config({fixture("10_env_unset_var.conf")});
  REQUIRE(c.ok());
  const Param* p = c.root.children[1].children[0].find("nodename");
  REQUIRE(p);
  CHECK(p->value == "");
  CHECK_FALSE(p->is_nil);
  REQUIRE(c.diags.items().size() == 1);
  CHECK(c.diags.items()[0].code == "unset-env-var");
  CHECK(c.diags.items()[0].severity == Severity::kWarning);
  CHECK(c.diags.items()[0].loc.line == 20);
}
