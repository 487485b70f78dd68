#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "engine/linter.hpp"

using namespace shipper;

namespace {

struct NullParams {
  std::optional<std::string> path;
  static void describe(config::Schema<NullParams>& s) { s.param("path", &NullParams::path); }
};
struct SecretParams {
  std::string user;
  std::string password;
  static void describe(config::Schema<SecretParams>& s) {
    s.param("user", &SecretParams::user);
    s.param("password", &SecretParams::password).secret();
  }
};

const Registry& test_registry() {
  static Registry r = [] {
    Registry reg;
    reg.declare<NullParams>(config::PluginKind::kOutput, "null", "test output");
    reg.declare<NullParams>(config::PluginKind::kInput, "tail", "test input");
    reg.declare<NullParams>(config::PluginKind::kFilter, "stdout", "test filter");
    reg.declare<SecretParams>(config::PluginKind::kOutput, "secret", "test output with a secret");
    return reg;
  }();
  return r;
}

struct Linted {
  config::Element root;
  config::Diagnostics diags;
  config::DumpTypes types;
};

void lint(const std::string& text, Linted& out, LintOptions options = {}) {
  out.root = config::parse_text(text, "t.conf", ".", out.diags);
  REQUIRE_FALSE(out.diags.has_errors());
  lint_config(out.root, test_registry(), options, out.diags, &out.types);
  normalize_diagnostics(out.diags);
}

std::vector<std::string> codes(const config::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.items()) out.push_back(x.code + "@" + std::to_string(x.loc.line));
  return out;
}

}  // namespace

TEST_CASE("a <match> shadowed by an earlier broader one is reported with its position") {
  Linted l;
  lint("<match app.**>\n  @type null\n</match>\n<match app.a>\n  @type null\n</match>\n", l);
  CHECK(codes(l.diags) == std::vector<std::string>{"unreachable-match@4"});
  CHECK(l.diags.items()[0].loc.column == 8);
  CHECK_FALSE(l.diags.has_errors());
}

TEST_CASE("a <match> in a different label is not shadowed; a filter after its match is") {
  Linted l;
  lint(
      "<match **>\n  @type null\n</match>\n<filter x.*>\n  @type stdout\n</filter>\n"
      "<source>\n  @type tail\n  @label @l\n</source>\n"
      "<label @l>\n  <match x.y>\n    @type null\n  </match>\n</label>\n",
      l);
  CHECK(codes(l.diags) == std::vector<std::string>{"unreachable-filter@4"});
}

TEST_CASE("<worker> content comes after every top-level rule") {
  Linted l;
  lint(
      "<system>\n  workers 2\n</system>\n<worker 0>\n  <match a.**>\n    @type null\n  "
      "</match>\n</worker>\n"
      "<match **>\n  @type null\n</match>\n",
      l);
  CHECK(codes(l.diags) == std::vector<std::string>{"unreachable-match@5"});
}

TEST_CASE("labels: unknown reference, missing match, duplicate @id") {
  Linted l;
  lint(
      "<source>\n  @type tail\n  @id a\n  @label @nope\n</source>\n"
      "<label @x>\n  <filter **>\n    @type stdout\n  </filter>\n</label>\n"
      "<match **>\n  @type null\n  @id a\n</match>\n",
      l);
  CHECK(codes(l.diags) == std::vector<std::string>{"label-not-found@4", "label-without-match@6",
                                                   "label-unused@6", "duplicate-id@13"});
}

TEST_CASE("without_source skips sources entirely") {
  Linted l;
  LintOptions o;
  o.without_source = true;
  lint("<source>\n  @type nosuch\n</source>\n<match **>\n  @type null\n</match>\n", l, o);
  CHECK(l.diags.items().empty());
}

TEST_CASE("the dump knows the declared types after linting") {
  Linted l;
  lint("<match **>\n  @type secret\n  user bob\n  password hunter2\n  extra 1\n</match>\n", l);
  std::string dump = config::dump_element(l.root, &l.types, 0);
  CHECK(dump ==
        "<ROOT>\n  <match **>\n    @type secret\n    user \"bob\"\n    password xxxxxx\n"
        "    extra 1\n  </match>\n</ROOT>\n");
}
