#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "config/loader.hpp"
#include "config/yaml_loader.hpp"

using namespace shipper::config;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/shipper-yaml-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string full = path + "/" + name;
    std::system(("mkdir -p '" + full.substr(0, full.rfind('/')) + "'").c_str());
    std::ofstream(full, std::ios::binary) << text;
    return full;
  }
};

Element load(const std::string& yaml, Diagnostics& d) {
  return load_yaml_config(yaml, "f.yaml", d);
}

Element load_ok(const std::string& yaml) {
  Diagnostics d;
  Element r = load(yaml, d);
  for (const auto& x : d.items()) INFO(format_text(x));
  REQUIRE_FALSE(d.has_errors());
  return r;
}

}  // namespace

TEST_CASE("YAML: the documented example maps onto the element tree") {
  setenv("SHIPPER_T_Y", "yy", 1);
  Element r = load_ok(R"(system:
  workers: 2
  log:
    format: json
config:
  - source:
      port: 24224
      $id: in_fwd
      $type: forward
      $label: "@main"
  - filter:
      $type: record_transformer
      $tag: "app.**"
      record:
        host: !fluent/s "h-#{ENV['SHIPPER_T_Y']}"
  - label:
      $name: "@main"
      config:
        - match:
            $type: stdout
            $tag: "**"
            buffer:
              $arg: tag, time
              timekey: 60
  - match:
      $type: copy
      $tag: [a.**, b.**]
      store:
        - $type: relabel
          $label: "@main"
        - $type: "null"
  - worker:
      $arg: 0-1
      config:
        - source: {$type: sample, tag: w.sample}
ignored_top_level: 1
)");
  REQUIRE(r.children.size() == 6);
  const Element& sys = r.children[0];
  CHECK(sys.name == "system");
  CHECK(sys.value_of("workers") == "2");
  CHECK(sys.children[0].name == "log");
  const Element& src = r.children[1];
  CHECK(src.name == "source");
  REQUIRE(src.params.size() == 4);
  CHECK(src.params[0].key == "@type");  // emitted first, in Fluentd's order
  CHECK(src.params[1].key == "@label");
  CHECK(src.params[2].key == "@id");
  CHECK(src.params[3].key == "port");
  CHECK(src.value_of("@label") == "@main");
  CHECK(src.loc.line == 6);
  CHECK(src.loc.column == 5);
  CHECK(src.params[3].key_loc.line == 7);
  CHECK(src.params[3].key_loc.column == 7);
  const Element& filter = r.children[2];
  CHECK(filter.arg == "app.**");
  CHECK(filter.children[0].name == "record");
  CHECK(filter.children[0].value_of("host") == "h-yy");
  const Element& label = r.children[3];
  CHECK(label.name == "label");
  CHECK(label.arg == "@main");
  REQUIRE(label.children.size() == 1);
  CHECK(label.children[0].children[0].name == "buffer");
  CHECK(label.children[0].children[0].arg == "tag, time");
  CHECK(label.children[0].children[0].value_of("timekey") == "60");
  const Element& copy = r.children[4];
  CHECK(copy.arg == "a.**,b.**");  // joined with ',', not an OR
  REQUIRE(copy.children.size() == 2);
  CHECK(copy.children[0].name == "store");
  CHECK(copy.children[1].type() == "null");
  const Element& worker = r.children[5];
  CHECK(worker.arg == "0-1");
  CHECK(worker.children[0].type() == "sample");
}

TEST_CASE("YAML 1.1 scalar traps") {
  Element r = load_ok(R"(config:
  - source:
      $type: tail
      a: on
      b: yes
      c: off
      d: no
      e: 1.10
      f: 0755
      g: ~
      h: null
      i:
      j: 1_000
      k: 12:30
      l: 1e3
      m: 2024-1-1
      n: "on"
      o: [x, 1, true]
      p: !fluent/json {"hello": "world", "n": [1, 2]}
      q: True
      r: 0x1F
)");
  const Element& s = r.children[0];
  CHECK(s.value_of("a") == "true");
  CHECK(s.value_of("b") == "true");
  CHECK(s.value_of("c") == "false");
  CHECK(s.value_of("d") == "false");
  CHECK(s.value_of("e") == "1.1");
  CHECK(s.value_of("f") == "493");
  CHECK(s.find("g")->is_nil);
  CHECK(s.find("h")->is_nil);
  CHECK(s.find("i")->is_nil);
  CHECK(s.value_of("j") == "1000");
  CHECK(s.value_of("k") == "45000");
  CHECK(s.value_of("l") == "1e3");
  CHECK(s.value_of("m") == "2024-01-01");
  CHECK(s.value_of("n") == "on");
  CHECK(s.value_of("o") == "[\"x\",1,true]");
  CHECK(s.value_of("p") == "{\"hello\":\"world\",\"n\":[1,2]}");
  CHECK(s.value_of("q") == "true");
  CHECK(s.value_of("r") == "31");
}

TEST_CASE("YAML: $type null drops @type; !fluent/s use_nil and use_default") {
  Element r = load_ok(R"(config:
  - match:
      $type: null
      a: !fluent/s "#{use_nil}"
      b: !fluent/s "#{use_default}"
      c: "#{ENV['HOME']}"
      d: !fluent/s "x\ty"
)");
  const Element& m = r.children[0];
  CHECK_FALSE(m.find("@type"));
  CHECK(m.value_of("a") == "");
  CHECK_FALSE(m.find("a")->is_nil);
  CHECK(m.value_of("b") == ":default");
  CHECK(m.value_of("c") == "#{ENV['HOME']}");  // plain YAML strings are never evaluated
  CHECK(m.value_of("d") == "x\ty");
}

TEST_CASE("YAML: merge keys") {
  Element r = load_ok(R"(common: &common
  flush_interval: 5s
  retry_max_times: 3
config:
  - match:
      $type: stdout
      buffer:
        <<: *common
        retry_max_times: 9
)");
  const Element& b = r.children[0].children[0];
  CHECK(b.value_of("flush_interval") == "5s");
  CHECK(b.value_of("retry_max_times") == "9");
  CHECK_FALSE(b.find("<<"));
}

TEST_CASE("YAML: !include splices sequences of the matching files, sorted, relative") {
  TempDir t;
  t.write("conf.d/b.yaml", "- match:\n    $type: null\n    $tag: b\n");
  t.write("conf.d/a.yaml", "- source:\n    $type: sample\n  match:\n    $type: stdout\n");
  std::string main = t.write("fluent.yaml",
                             "config:\n"
                             "  - !include conf.d/*.yaml\n"
                             "  - !include nothing/*.yaml\n"
                             "  - match:\n      $type: stdout\n      $tag: z\n");
  LoadedConfig c = load_config({main});
  for (const auto& x : c.diags.items()) INFO(format_text(x));
  REQUIRE(c.ok());
  REQUIRE(c.root.children.size() == 3);
  CHECK(c.root.children[0].name == "source");  // only the first key of an included item counts
  CHECK(c.root.children[0].loc.file == t.path + "/conf.d/a.yaml");
  CHECK(c.root.children[1].arg == "b");
  CHECK(c.root.children[2].arg == "z");
}

TEST_CASE("YAML: include cycles, syntax errors, -i ignored, forced file type") {
  TempDir t;
  t.write("loop.yaml", "- !include loop.yaml\n");
  std::string main = t.write("fluent.yaml", "config:\n  - !include loop.yaml\n");
  LoadedConfig c = load_config({main});
  CHECK_FALSE(c.ok());
  bool cycle = false;
  for (const auto& d : c.diags.items()) cycle |= d.code == "include-cycle";
  CHECK(cycle);

  std::string bad = t.write("bad.yml", "config:\n  - source:\n    $type: [unclosed\n");
  LoadedConfig b = load_config({bad});
  REQUIRE_FALSE(b.ok());
  CHECK(b.diags.items()[0].code == "yaml-syntax");
  CHECK(b.diags.items()[0].loc.line >= 3);

  std::string conf = t.write("as-yaml.conf", "config:\n  - source:\n      $type: sample\n");
  LoadOptions o;
  o.path = conf;
  o.file_type = "yaml";
  o.inline_config = "<match **>\\n</match>";
  LoadedConfig y = load_config(o);
  REQUIRE(y.ok());
  REQUIRE(y.root.children.size() == 1);
  CHECK(y.root.children[0].type() == "sample");
}

TEST_CASE("YAML: bad inputs give diagnostics, never a crash") {
  SECTION("a 10 MB scalar") {
    Diagnostics d;
    Element r =
        load("config:\n  - source:\n      big: " + std::string(10 * 1024 * 1024, 'x') + "\n", d);
    CHECK_FALSE(d.has_errors());
    CHECK(r.children[0].value_of("big")->size() == 10 * 1024 * 1024);
  }
  SECTION("deep flow nesting") {
    Diagnostics d;
    load("config:\n  - source:\n      x: " + std::string(100000, '[') + std::string(100000, ']') +
             "\n",
         d);
    CHECK(d.has_errors());
  }
  SECTION("not a mapping") {
    Diagnostics d;
    load("- a\n- b\n", d);
    REQUIRE(d.has_errors());
    CHECK(d.items()[0].code == "yaml-bad-root");
  }
  SECTION("binary") {
    std::string bin;
    for (int i = 0; i < 4096; ++i) bin += static_cast<char>((i * 7919) & 0xFF);
    Diagnostics d;
    load(bin, d);
    CHECK(d.has_errors());
  }
  SECTION("empty") {
    Diagnostics d;
    Element r = load("", d);
    CHECK_FALSE(d.has_errors());
    CHECK(r.children.empty());
  }
}
