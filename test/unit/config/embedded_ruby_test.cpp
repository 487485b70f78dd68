#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>

#include "config/embedded_ruby.hpp"
#include "config/loader.hpp"

using namespace shipper::config;

namespace {

RubyEnv test_env() {
  RubyEnv env;
  static std::map<std::string, std::string> vars = {
      {"SET", "value"}, {"EMPTY", ""}, {"DIR", "/var/log/"}};
  env.getenv = [](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  env.hostname = "node-1";
  env.worker_id = "0";
  return env;
}

RubyResult eval(const std::string& code) {
  return eval_embedded_ruby(code, test_env());
}

std::string ok(const std::string& code) {
  RubyResult r = eval(code);
  for (const auto& p : r.problems) INFO(p.message);
  REQUIRE(r.ok);
  return r.text;
}

}  // namespace

TEST_CASE("ENV lookups and fallbacks") {
  CHECK(ok("ENV['SET']") == "value");
  CHECK(ok("ENV[\"SET\"]") == "value");
  CHECK(ok(" ENV['SET'] ") == "value");
  CHECK(ok("ENV['UNSET'] || 'lit'") == "lit");
  CHECK(ok("ENV['UNSET'] || \"lit\"") == "lit");
  CHECK(ok("ENV['UNSET'] || 123") == "123");
  CHECK(ok("ENV['UNSET'] || -1") == "-1");
  CHECK(ok("ENV['UNSET'] || 1.5") == "1.5");
  CHECK(ok("ENV['UNSET'] || true") == "true");
  CHECK(ok("ENV['UNSET'] || false") == "false");
  CHECK(ok("ENV['UNSET'] || nil") == "");
  CHECK(ok("ENV['UNSET'] || ''") == "");
  CHECK(ok("ENV['UNSET'] || ENV['SET']") == "value");
  CHECK(ok("ENV['UNSET'] || ENV['UNSET2'] || 'z'") == "z");
  // An empty string is truthy in Ruby: the fallback is not taken.
  CHECK(ok("ENV['EMPTY'] || 'd'") == "");
  CHECK(ok("ENV['SET'] || ENV.fetch('UNSET')") == "value");  // short-circuit: no KeyError
  CHECK(ok("ENV.fetch('SET', 'd')") == "value");
  CHECK(ok("ENV.fetch('UNSET', 'd')") == "d");
  CHECK(ok("ENV.fetch('UNSET') { 'd' }") == "d");
  CHECK(ok("ENV.fetch(\"UNSET\"){\"d\"}") == "d");
}

TEST_CASE("unset ENV['X'] is an empty string with a warning") {
  RubyResult r = eval("ENV['UNSET']");
  CHECK(r.ok);
  CHECK(r.text == "");
  REQUIRE(r.problems.size() == 1);
  CHECK_FALSE(r.problems[0].is_error);
  CHECK(r.problems[0].code == "unset-env-var");
  CHECK(r.problems[0].message.find("UNSET") != std::string::npos);
  // With an explicit fallback there is nothing to warn about.
  CHECK(eval("ENV['UNSET'] || 'x'").problems.empty());
}

TEST_CASE("ENV.fetch without default on an unset variable is an error") {
  RubyResult r = eval("ENV.fetch('UNSET')");
  CHECK_FALSE(r.ok);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "env-var-not-found");
}

TEST_CASE("use_nil, use_default, identity helpers, File.join, literals") {
  RubyResult n = eval("ENV['UNSET'] || use_nil");
  CHECK(n.use_nil);
  CHECK(n.problems.empty());
  CHECK_FALSE(eval("ENV['SET'] || use_nil").use_nil);
  CHECK(eval("ENV['UNSET'] || use_default").use_default);
  CHECK(ok("hostname") == "node-1");
  CHECK(ok("Socket.gethostname") == "node-1");
  CHECK(ok("worker_id") == "0");
  CHECK(ok("File.join('/var/log/', ENV.fetch('UNSET', ''), 'a.pos')") == "/var/log/a.pos");
  CHECK(ok("File.join(ENV['DIR'], 'x', '/y')") == "/var/log/x/y");
  CHECK(ok("File.join('a', '')") == "a/");
  CHECK(ok("'it\\'s'") == "it's");
  CHECK(ok("\"a\\tb #{ENV['SET']}\"") == "a\tb value");
  CHECK(ok("") == "");
}

TEST_CASE("anything else is reported as unsupported") {
  for (const char* code : {"IPAddr.new('1.2.3.4').to_s", "ENV['X'] ? 'a' : 'b'", "`id`", "1 + 2",
                           "ENV.keys", "system('rm -rf /')", "ENV['SET'].upcase"}) {
    RubyResult r = eval(code);
    INFO(code);
    CHECK_FALSE(r.ok);
    REQUIRE_FALSE(r.problems.empty());
    CHECK(r.problems[0].code == "unsupported-embedded-ruby");
    CHECK(r.problems[0].hint.find("ENV.fetch") != std::string::npos);
  }
}

TEST_CASE("embedded code length honours nesting and strings") {
  CHECK(embedded_code_length("ENV['X']}rest") == 8u);
  CHECK(embedded_code_length("ENV[\"}\"]}") == 8u);
  CHECK(embedded_code_length("{x: 1}[:x] }") == 11u);
  CHECK(embedded_code_length("\"n #{1+2}\"}") == 10u);
  CHECK_FALSE(embedded_code_length("ENV['X'"));
}

TEST_CASE("#{} inside config strings") {
  setenv("SHIPPER_T_A", "aa", 1);
  unsetenv("SHIPPER_T_UNSET");
  Diagnostics d;
  Element r = parse_text(
      "a \"pre-#{ENV['SHIPPER_T_A']}-#{ENV['SHIPPER_T_A']}-post\"\n"
      "b \"pre-#{ENV['SHIPPER_T_UNSET']}-post\"\n"
      "c \"#{use_nil}/some/path\"\n"
      "d \"#{ENV['SHIPPER_T_UNSET'] || use_default}\"\n"
      "e [\"#{ENV['SHIPPER_T_A']}\", 1]\n"
      "f \"\\#{ENV['SHIPPER_T_A']}\"\n",
      "t.conf", ".", d);
  CHECK(r.find("a")->value == "pre-aa-aa-post");
  CHECK(r.find("b")->value == "pre--post");
  CHECK(r.find("c")->is_nil);
  CHECK_FALSE(r.value_of("c"));
  CHECK(r.find("d")->use_default);
  CHECK(r.find("e")->value == "[\"aa\",1]");
  CHECK(r.find("f")->value == "#{ENV['SHIPPER_T_A']}");
  CHECK_FALSE(d.has_errors());
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "unset-env-var");
  CHECK(d.items()[0].loc.line == 2);
  CHECK(d.items()[0].loc.column == 3);
}

TEST_CASE("unsupported embedded Ruby in a config is located") {
  Diagnostics d;
  parse_text("<source>\n  host \"#{IPAddr.new('x')}\"\n</source>\n", "t.conf", ".", d);
  REQUIRE(d.has_errors());
  const Diagnostic& e = d.items()[0];
  CHECK(e.code == "unsupported-embedded-ruby");
  CHECK(e.loc.line == 2);
  CHECK(e.loc.column == 11);
  CHECK(e.message.find("IPAddr") != std::string::npos);
}
