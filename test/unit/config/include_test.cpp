#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "config/loader.hpp"

using namespace shipper::config;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/shipper-config-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string full = path + "/" + name;
    size_t slash = full.rfind('/');
    std::system(("mkdir -p '" + full.substr(0, slash) + "'").c_str());
    std::ofstream(full, std::ios::binary) << text;
    return full;
  }
};

const Diagnostic* find_code(const Diagnostics& d, const std::string& code) {
  for (const auto& x : d.items())
    if (x.code == code) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("@include: relative to the including file, globs sorted, missing ignored") {
  TempDir t;
  t.write("conf.d/b.conf", "<match b>\n  @type null\n</match>\n");
  t.write("conf.d/a.conf", "<match a>\n  @type null\n</match>\n@include sub/*.conf\n");
  t.write("conf.d/sub/c.conf", "top_c 1\n");
  std::string main = t.write("fluent.conf",
                             "@include conf.d/*.conf\n"
                             "@include does-not-exist.conf\n"
                             "@include nomatch/*.conf\n"
                             "<match z>\n  @type null\n</match>\n");
  LoadedConfig c = load_config({main});
  for (const auto& x : c.diags.items()) INFO(format_text(x));
  REQUIRE(c.ok());
  REQUIRE(c.root.children.size() == 3);
  CHECK(c.root.children[0].arg == "a");
  CHECK(c.root.children[1].arg == "b");
  CHECK(c.root.children[2].arg == "z");
  // Locations inside included files name them.
  CHECK(c.root.children[0].loc.file == t.path + "/conf.d/a.conf");
  CHECK(c.root.children[0].loc.line == 1);
  CHECK(c.root.children[2].loc.file == main);
  CHECK(c.root.children[2].loc.line == 4);
  REQUIRE(c.root.find("top_c"));
  CHECK(c.root.find("top_c")->key_loc.file == t.path + "/conf.d/sub/c.conf");
}

TEST_CASE("@include inside a section injects parameters; quoted path evaluates #{}") {
  TempDir t;
  t.write("buffer.conf", "flush_interval 5s\nchunk_limit_size 1m\n");
  setenv("SHIPPER_T_INC", t.path.c_str(), 1);
  std::string main = t.write("fluent.conf",
                             "<match **>\n"
                             "  @type null\n"
                             "  <buffer>\n"
                             "    @include buffer.conf\n"
                             "    @include \"#{ENV['SHIPPER_T_INC']}/buffer.conf\"\n"
                             "  </buffer>\n"
                             "</match>\n");
  LoadedConfig c = load_config({main});
  REQUIRE(c.ok());
  const Element& buf = c.root.children[0].children[0];
  CHECK(buf.value_of("flush_interval") == "5s");
  CHECK(buf.value_of("chunk_limit_size") == "1m");
  CHECK(buf.params.size() == 2);
}

TEST_CASE("deprecated bare include warns") {
  TempDir t;
  t.write("x.conf", "k v\n");
  std::string main = t.write("fluent.conf", "include x.conf\n");
  LoadedConfig c = load_config({main});
  REQUIRE(c.ok());
  CHECK(c.root.value_of("k") == "v");
  CHECK(find_code(c.diags, "deprecated-include"));
}

TEST_CASE("@include cycles are reported, not followed forever") {
  TempDir t;
  t.write("a.conf", "a 1\n@include b.conf\n");
  t.write("b.conf", "b 1\n@include a.conf\n");
  std::string main = t.write("fluent.conf", "@include a.conf\n@include fluent.conf\n");
  LoadedConfig c = load_config({main});
  CHECK_FALSE(c.ok());
  const Diagnostic* cyc = find_code(c.diags, "include-cycle");
  REQUIRE(cyc);
  CHECK(cyc->loc.file == t.path + "/b.conf");
  CHECK(cyc->loc.line == 2);
  CHECK(c.root.value_of("a") == "1");
  CHECK(c.root.value_of("b") == "1");
}

TEST_CASE("a parse error inside an included file names that file") {
  TempDir t;
  t.write("bad.conf", "\n\n<source>\n");
  std::string main = t.write("fluent.conf", "@include bad.conf\n");
  LoadedConfig c = load_config({main});
  REQUIRE_FALSE(c.ok());
  const Diagnostic* e = find_code(c.diags, "missing-end-tag");
  REQUIRE(e);
  CHECK(e->loc.file == t.path + "/bad.conf");
  CHECK(e->loc.line == 3);
}

TEST_CASE("-i inline config is appended to the file") {
  TempDir t;
  t.write("inc.conf", "from_inc 1\n");
  std::string main = t.write("fluent.conf", "<source>\n  @type sample\n</source>\n");
  LoadOptions o;
  o.path = main;
  o.inline_config = "<match **>\\n  @type stdout\\n</match>\\n@include inc.conf";
  LoadedConfig c = load_config(o);
  for (const auto& x : c.diags.items()) INFO(format_text(x));
  REQUIRE(c.ok());
  REQUIRE(c.root.children.size() == 2);
  CHECK(c.root.children[1].name == "match");
  CHECK(c.root.children[1].type() == "stdout");
  CHECK(c.root.children[1].loc.file == "<inline>");
  CHECK(c.root.value_of("from_inc") == "1");
}

TEST_CASE("missing config file and bad file type") {
  LoadedConfig c = load_config({"/nonexistent/fluent.conf"});
  REQUIRE_FALSE(c.ok());
  CHECK(c.diags.items()[0].code == "config-not-found");
  TempDir t;
  std::string main = t.write("fluent.conf", "");
  LoadOptions o;
  o.path = main;
  o.file_type = "toml";
  CHECK_FALSE(load_config(o).ok());
}

TEST_CASE("a *.conf include that picks up a backup copy warns") {
  TempDir t;
  t.write("conf.d/app.conf", "a 1\n");
  t.write("conf.d/app.bak.conf", "a 2\n");
  std::string main = t.write("fluent.conf", "@include conf.d/*.conf\n");
  LoadedConfig c = load_config({main});
  REQUIRE(c.ok());
  const Diagnostic* w = find_code(c.diags, "include-backup-file");
  REQUIRE(w);
  CHECK(w->message.find("app.bak.conf") != std::string::npos);
  CHECK(c.root.value_of("a") == "1");  // app.bak.conf sorts first, app.conf wins
}

TEST_CASE("an include that matches a directory is an include error") {
  TempDir t;
  t.write("conf.d/x.conf", "a 1\n");
  std::string main = t.write("fluent.conf", "\n@include conf.d\n");
  LoadedConfig c = load_config({main});
  REQUIRE_FALSE(c.ok());
  const Diagnostic* e = find_code(c.diags, "include-error");
  REQUIRE(e);
  CHECK(e->loc.line == 2);
  CHECK(e->message.find("include error conf.d") == 0);
}
