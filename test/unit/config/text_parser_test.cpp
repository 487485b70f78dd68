#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "config/loader.hpp"

using namespace shipper::config;

namespace {

Element parse(const std::string& text, Diagnostics& d) {
  return parse_text(text, "t.conf", "/nonexistent", d);
}

Element parse_ok(const std::string& text) {
  Diagnostics d;
  Element root = parse(text, d);
  for (const auto& x : d.items()) INFO(format_text(x));
  REQUIRE_FALSE(d.has_errors());
  return root;
}

const Diagnostic* first_error(const Diagnostics& d) {
  for (const auto& x : d.items())
    if (x.severity == Severity::kError) return &x;
  return nullptr;
}

const Diagnostic& parse_error(const std::string& text) {
  static Diagnostics d;
  d = Diagnostics{};
  parse(text, d);
  const Diagnostic* e = first_error(d);
  REQUIRE(e != nullptr);
  CHECK_FALSE(e->hint.empty());
  return *e;
}

std::string value(const Element& e, const std::string& key) {
  const Param* p = e.find(key);
  REQUIRE(p != nullptr);
  return p->value;
}

}  // namespace

TEST_CASE("sections, arguments and locations") {
  Element root = parse_ok(
      "# comment\n"
      "<source>\n"
      "  @type tail\n"
      "  path /var/log/*.log\n"
      "  <parse>\n"
      "    @type json\n"
      "  </parse>\n"
      "</source>\n"
      "<match a.** b.*>\n"
      "  @type null\n"
      "</match>\n");
  REQUIRE(root.name == "ROOT");
  REQUIRE(root.children.size() == 2);
  const Element& src = root.children[0];
  CHECK(src.name == "source");
  CHECK(src.arg == "");
  CHECK(src.loc.line == 2);
  CHECK(src.loc.column == 1);
  CHECK(src.loc.file == "t.conf");
  CHECK(value(src, "@type") == "tail");
  const Param* path = src.find("path");
  CHECK(path->key_loc.line == 4);
  CHECK(path->key_loc.column == 3);
  CHECK(path->value_loc.column == 8);
  REQUIRE(src.children.size() == 1);
  CHECK(src.children[0].name == "parse");
  CHECK(src.children[0].loc.line == 5);
  CHECK(src.children[0].loc.column == 3);
  CHECK(root.children[1].arg == "a.** b.*");
  CHECK(root.children[1].arg_loc.column == 8);
}

TEST_CASE("unquoted values, comments and the # quirks") {
  Element r = parse_ok(
      "k1 /a#b\n"
      "k2 /a #b\n"
      "k3   a b c   \n"
      "k4 a\"b'c\n"
      "k5 trailing\\\n"
      "k6   # note\n"
      "k7 #{ENV['HOME']}\n"
      "k8 ${tag} %Y\n");
  CHECK(value(r, "k1") == "/a#b");
  CHECK(value(r, "k2") == "/a");
  CHECK(value(r, "k3") == "a b c");
  CHECK(value(r, "k4") == "a\"b'c");
  CHECK(value(r, "k5") == "trailing\\");
  CHECK(value(r, "k6") == "# note");
  CHECK(value(r, "k7") == "#{ENV['HOME']}");
  CHECK(value(r, "k8") == "${tag} %Y");
  CHECK(r.find("k1")->form == ValueForm::kUnquoted);
}

TEST_CASE("key alone, key: value, quoted keys, duplicates") {
  Element r = parse_ok(
      "flag\n"
      "key: value\n"
      "\"my key\" v\n"
      "$.a.b x\n"
      "dup 1\n"
      "other 2\n"
      "dup 3\n"
      "last");
  CHECK(value(r, "flag") == "");
  CHECK(r.find("flag")->form == ValueForm::kNone);
  CHECK(value(r, "key:") == "value");
  CHECK(value(r, "my key") == "v");
  CHECK(value(r, "$.a.b") == "x");
  CHECK(value(r, "last") == "");
  REQUIRE(r.params.size() == 7);
  CHECK(r.params[4].key == "dup");
  CHECK(r.params[4].value == "3");
  CHECK(r.params[4].key_loc.line == 5);  // first position kept
  CHECK(r.params[4].value_loc.line == 7);
}

TEST_CASE("double-quoted strings: escapes, multi-line, continuation") {
  Element r = parse_ok(
      "a \"q\\\"s\\'\\\\ \\n\\r\\t\\f\\b|\"\n"
      "b \"\\$\\#{x}\\.\"\n"
      "c \"a\nb\"\n"
      "d \"a \\\n   b\"\n"
      "e \"x\"   # comment\n"
      "f \"nul\\0\"\n");
  CHECK(value(r, "a") == "q\"s'\\ \n\r\t\f\b|");
  CHECK(value(r, "b") == "$#{x}.");
  CHECK(value(r, "c") == "a\nb");
  CHECK(value(r, "d") == "a    b");
  CHECK(value(r, "e") == "x");
  CHECK(value(r, "f") == std::string("nul\0", 4));
  CHECK(r.find("a")->form == ValueForm::kDoubleQuoted);
}

TEST_CASE("single-quoted strings") {
  Element r = parse_ok("a 'it\\'s \\\\ \\n #{x}'\n");
  CHECK(value(r, "a") == "it's \\ \\n #{x}");
  CHECK(r.find("a")->form == ValueForm::kSingleQuoted);
}

TEST_CASE("JSON values are re-serialised compactly") {
  Element r = parse_ok(
      "a [\"a\", \"b\",\n   \"c\"]\n"
      "b {\"k\": 1, \"n\": {\"x\": [1.5, 1e3, true, null]},\n \"k\": 2}\n"
      "c [1, 2, # comment\n 3]\n"
      "d [\"x#y\"]\n"
      "e {\"u\": \"\\u00e9\\n/\"}  # after\n");
  CHECK(value(r, "a") == "[\"a\",\"b\",\"c\"]");
  CHECK(value(r, "b") == "{\"k\":2,\"n\":{\"x\":[1.5,1000.0,true,null]}}");
  CHECK(value(r, "c") == "[1,2,3]");
  CHECK(value(r, "d") == "[\"x#y\"]");
  CHECK(value(r, "e") == "{\"u\":\"\xC3\xA9\\n/\"}");
  CHECK(r.find("a")->form == ValueForm::kJson);
}

TEST_CASE("sections: quoted argument, empty argument, comments after tags") {
  setenv("SHIPPER_T_TAG", "svc", 1);
  Element r = parse_ok(
      "<match \"app.#{ENV['SHIPPER_T_TAG']}\">  # c\n"
      "  @type null\n"
      "</match>   # c\n"
      "<match app.#{x}>\n</match>\n"
      "<filter>\n</filter>\n");
  CHECK(r.children[0].arg == "app.svc");
  CHECK(r.children[1].arg == "app.#{x}");
  CHECK(r.children[2].arg == "");
}

TEST_CASE("parse errors carry code, line and column") {
  SECTION("missing end tag points at the open tag") {
    auto& e = parse_error("<source>\n  @type x\n  <parse>\n  </parse>\n");
    CHECK(e.code == "missing-end-tag");
    CHECK(e.message == "expected end tag '</source>' but got end of file");
    CHECK(e.loc.line == 1);
    CHECK(e.loc.column == 1);
  }
  SECTION("stray end tag") {
    auto& e = parse_error("<match>\n</match>\n  </match>\n");
    CHECK(e.code == "unmatched-end-tag");
    CHECK(e.loc.line == 3);
    CHECK(e.loc.column == 3);
  }
  SECTION("wrong end tag") {
    auto& e = parse_error("<source>\n</match>\n");
    CHECK(e.code == "unmatched-end-tag");
    CHECK(e.message == "unmatched end tag");
  }
  SECTION("text after a tag") {
    auto& e = parse_error("<source> @type x\n</source>\n");
    CHECK(e.code == "trailing-text-after-tag");
    CHECK(e.message == "expected end of line after tag");
    CHECK(e.loc.line == 1);
    CHECK(e.loc.column == 10);
  }
  SECTION("text after an end tag") {
    auto& e = parse_error("<source>\n</source> x\n");
    CHECK(e.code == "trailing-text-after-end-tag");
    CHECK(e.loc.line == 2);
  }
  SECTION("garbage in an end tag") {
    auto& e = parse_error("<source>\n</source x>\n");
    CHECK(e.code == "bad-end-tag");
    CHECK(e.message == "expected character in tag name");
    CHECK(e.loc.column == 10);
  }
  SECTION("missing >") {
    auto& e = parse_error("<source\n  @type x\n");
    CHECK(e.code == "missing-tag-close");
    CHECK(e.message == "expected '>'");
  }
  SECTION("text after a quoted value") {
    auto& e = parse_error("k \"a\" b\n");
    CHECK(e.code == "trailing-text");
    CHECK(e.message == "expected end of line");
    CHECK(e.loc.column == 7);
  }
  SECTION("text after a JSON value") {
    auto& e = parse_error("k [\"a\"] x\n");
    CHECK(e.code == "trailing-text");
  }
  SECTION("bare </> ends the root early") {
    auto& e = parse_error("a 1\n</>\nb 2\n");
    CHECK(e.code == "expected-eof");
    CHECK(e.message == "expected EOF");
    CHECK(e.loc.line == 3);
  }
  SECTION("reserved @ prefix in a directive") {
    auto& e = parse_error("<source>\n  @foo bar\n</source>\n");
    CHECK(e.code == "reserved-prefix");
    CHECK(e.message ==
          "'@' is the system reserved prefix. Don't use '@' prefix parameter in the configuration: "
          "@foo");
    CHECK(e.loc.line == 2);
    CHECK(e.loc.column == 3);
  }
  SECTION("unterminated double quote") {
    auto& e = parse_error("a 1\nk \"abc\n");
    CHECK(e.code == "unterminated-string");
    CHECK(e.message == "unexpected end of file in a double quoted string");
  }
  SECTION("CRLF inside a multi-line double-quoted string") {
    auto& e = parse_error("k \"a\r\nb\"\r\n");
    CHECK(e.code == "unterminated-string");
  }
  SECTION("single quote cannot span lines") {
    auto& e = parse_error("k 'abc\ndef'\n");
    CHECK(e.code == "unterminated-string");
    CHECK(e.message == "unexpected end of file in a single quoted string");
    CHECK(e.loc.line == 1);
    CHECK(e.loc.column == 3);
  }
  SECTION("bad escape") {
    auto& e = parse_error("k \"a\\qb\"\n");
    CHECK(e.code == "bad-escape");
    CHECK(e.message == "unexpected back-slash escape character 'q'");
    CHECK(e.loc.column == 5);
  }
  SECTION("incomplete JSON array") {
    auto& e = parse_error("<match>\n  subject [ALERT] disk\n</match>\n");
    CHECK(e.code == "incomplete-json");
    CHECK(e.message == "got incomplete JSON array configuration");
    CHECK(e.loc.line == 2);
    CHECK(e.loc.column == 11);
  }
  SECTION("incomplete JSON hash") {
    auto& e = parse_error("k {\"a\": 1\n");
    CHECK(e.message == "got incomplete JSON hash configuration");
  }
  SECTION("unterminated embedded code") {
    auto& e = parse_error("k \"#{ENV['X']\"\n");
    CHECK(e.code == "unterminated-embedded-code");
  }
}

TEST_CASE("@ prefix in nested sections only warns") {
  Diagnostics d;
  Element r = parse("<match>\n  <buffer>\n    @foo 1\n    @type file\n  </buffer>\n</match>\n", d);
  CHECK_FALSE(d.has_errors());
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "reserved-prefix-nested");
  CHECK(d.items()[0].severity == Severity::kWarning);
  CHECK(value(r.children[0].children[0], "@foo") == "1");
}

TEST_CASE("a glued section name keeps Fluentd's reading and warns") {
  Diagnostics d;
  Element r = parse("<my-sec foo>\n</my>\n", d);
  CHECK_FALSE(d.has_errors());
  CHECK(r.children[0].name == "my");
  CHECK(r.children[0].arg == "-sec foo");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "suspicious-section-name");
}

TEST_CASE("bad inputs end with diagnostics, never a crash or a hang") {
  SECTION("empty") {
    Diagnostics d;
    Element r = parse("", d);
    CHECK(d.items().empty());
    CHECK(r.params.empty());
  }
  SECTION("binary") {
    std::string bin;
    for (int i = 0; i < 4096; ++i) bin += static_cast<char>((i * 7919) & 0xFF);
    Diagnostics d;
    parse(bin, d);
    CHECK(d.has_errors());
  }
  SECTION("10 MB single line value") {
    std::string big = "key " + std::string(10 * 1024 * 1024, 'x');
    Diagnostics d;
    Element r = parse(big, d);
    CHECK_FALSE(d.has_errors());
    CHECK(value(r, "key").size() == 10 * 1024 * 1024);
  }
  SECTION("10 MB of blanks inside a value") {
    std::string big = "key a" + std::string(10 * 1024 * 1024, ' ') + "b\n";
    Diagnostics d;
    Element r = parse(big, d);
    CHECK(value(r, "key").size() == 10 * 1024 * 1024 + 2);
  }
  SECTION("10 MB unterminated JSON with # everywhere") {
    std::string big = "key [";
    for (int i = 0; i < 1000000; ++i) big += "1, #x\n";
    Diagnostics d;
    parse(big, d);
    REQUIRE(first_error(d) != nullptr);
    CHECK(first_error(d)->code == "incomplete-json");
  }
  SECTION("10 MB single line JSON string") {
    std::string big = "key [\"" + std::string(10 * 1024 * 1024, '#') + "\"]\n";
    Diagnostics d;
    Element r = parse(big, d);
    CHECK_FALSE(d.has_errors());
    CHECK(value(r, "key").size() == 10 * 1024 * 1024 + 4);
  }
  SECTION("10,000-deep nesting") {
    std::string deep;
    for (int i = 0; i < 10000; ++i) deep += "<a>\n";
    for (int i = 0; i < 10000; ++i) deep += "</a>\n";
    Diagnostics d;
    parse(deep, d);
    REQUIRE(first_error(d) != nullptr);
    CHECK(first_error(d)->code == "nesting-too-deep");
  }
  SECTION("deep JSON") {
    std::string deep = "k " + std::string(100000, '[') + std::string(100000, ']') + "\n";
    Diagnostics d;
    parse(deep, d);
    CHECK(first_error(d)->code == "incomplete-json");
  }
  SECTION("a UTF-8 BOM is skipped with a warning") {
    Diagnostics d;
    Element r = parse("\xEF\xBB\xBF<source>\n</source>\n", d);
    CHECK_FALSE(d.has_errors());
    REQUIRE(r.children.size() == 1);
    CHECK(d.items()[0].code == "utf8-bom");
  }
}
