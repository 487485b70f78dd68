#include <catch2/catch.hpp>

#include "app/command_line.hpp"

using shipper::app::Command;
using shipper::app::parse_command_line;

namespace {
shipper::app::ParseResult parse(std::vector<std::string> args,
                                std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, env);
}
}  // namespace

TEST_CASE("config path: default, FLUENT_CONF, -c forms") {
  CHECK(parse({}).cli.run.config_path == "/fluentd/etc/fluent.conf");
  CHECK(parse({}, {{"FLUENT_CONF", "/x/f.conf"}}).cli.run.config_path == "/x/f.conf");
  CHECK(parse({"-c", "a.conf"}).cli.run.config_path == "a.conf");
  CHECK(parse({"-ca.conf"}).cli.run.config_path == "a.conf");
  CHECK(parse({"--config", "b.conf"}).cli.run.config_path == "b.conf");
  CHECK(parse({"--config=c.conf"}).cli.run.config_path == "c.conf");
  CHECK(parse({"--inl", "x"}).cli.run.inline_config == "x");  // unique prefix
  CHECK_FALSE(parse({"--conf", "d.conf"}).ok);  // config, config-file-type, conf-encoding
}

TEST_CASE("dry run and its unique prefixes") {
  auto r = parse({"--dry-run", "-c", "x"});
  REQUIRE(r.ok);
  CHECK(r.cli.command == Command::kDryRun);
  CHECK(r.cli.run.dry_run);
  CHECK(parse({"--dry"}).cli.command == Command::kDryRun);
  CHECK(parse({"--suppress-conf"}).cli.run.suppress_config_dump);
}

TEST_CASE("unknown option: usage and error line, exit 1") {
  auto r = parse({"--bogus"});
  CHECK_FALSE(r.ok);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("Usage: shipper") != std::string::npos);
  CHECK(r.output.find("error: invalid option: --bogus") != std::string::npos);
  auto s = parse({"-x"});
  CHECK_FALSE(s.ok);
  CHECK(s.output.find("error: invalid option: -x") != std::string::npos);
}

TEST_CASE("missing argument and ambiguous prefix") {
  auto r = parse({"-c"});
  CHECK_FALSE(r.ok);
  CHECK(r.output.find("error: missing argument: -c") != std::string::npos);
  auto l = parse({"--config"});
  CHECK(l.output.find("error: missing argument: --config") != std::string::npos);
  auto a = parse({"--s"});  // setup, show-config, strict-…, suppress-…
  CHECK_FALSE(a.ok);
  CHECK(a.output.find("ambiguous option: --s") != std::string::npos);
}

TEST_CASE("a positional argument prints usage and exits 1") {
  auto r = parse({"fluent.conf"});
  CHECK_FALSE(r.ok);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("Usage:") == 0);
  CHECK(r.output.find("error:") == std::string::npos);
}

TEST_CASE("verbosity counts from info") {
  CHECK(parse({"-v"}).cli.run.verbosity == 1);
  CHECK(parse({"-vv"}).cli.run.verbosity == 2);
  CHECK(parse({"-v", "-v"}).cli.run.verbosity == 2);
  CHECK(parse({"-qq"}).cli.run.verbosity == -2);
  CHECK(parse({"--quiet"}).cli.run.verbosity_given);
  CHECK_FALSE(parse({}).cli.run.verbosity_given);
}

TEST_CASE("inline config turns \\n into newlines") {
  auto r = parse({"-i", "<source>\\n@type sample\\n</source>"});
  CHECK(r.cli.run.inline_config == "<source>\n@type sample\n</source>");
  CHECK(parse({"--inline-config=a\\nb"}).cli.run.inline_config == "a\nb");
}

TEST_CASE("config-file-type and lint-format values are checked") {
  CHECK(parse({"--config-file-type", "yaml"}).cli.run.config_file_type == "yaml");
  auto bad = parse({"--config-file-type", "toml"});
  CHECK_FALSE(bad.ok);
  CHECK(bad.output.find("--config-file-type accepts yaml/yml or guess") != std::string::npos);
  CHECK(parse({"--lint-format", "json"}).cli.run.lint_format == "json");
  CHECK_FALSE(parse({"--lint-format", "xml"}).ok);
}

TEST_CASE("commands") {
  CHECK(parse({"--version"}).cli.command == Command::kVersion);
  CHECK(parse({"-h"}).cli.command == Command::kHelp);
  auto d = parse({"--describe", "output:file"});
  CHECK(d.cli.command == Command::kDescribe);
  CHECK(d.cli.describe_type == "output:file");
  CHECK(parse({"--list-plugins"}).cli.command == Command::kListPlugins);
  CHECK(parse({"--show-config"}).cli.command == Command::kShowConfig);
  auto s = parse({"-s"});
  CHECK(s.cli.command == Command::kSetup);
  CHECK(s.cli.setup_dir.empty());
  CHECK(parse({"--setup", "/tmp/x"}).cli.setup_dir == "/tmp/x");
}

TEST_CASE("accepted flags without effect leave a notice") {
  auto r = parse({"--no-supervisor", "--workers", "2", "--user", "fluent", "-r", "foo", "--umask",
                  "022", "--use-v1-config", "--disable-shared-socket", "--log-rotate-age", "daily",
                  "--suppress-repeated-stacktrace", "--under-supervisor", "-p", "/nonexistent"});
  REQUIRE(r.ok);
  CHECK(r.cli.run.no_supervisor);
  CHECK(r.cli.run.workers == 2);
  CHECK(r.cli.under_supervisor);
  CHECK(r.cli.run.plugin_dirs == std::vector<std::string>{"/nonexistent"});
  int user_notices = 0;
  for (const auto& n : r.cli.notices)
    if (n.message.find("--user") != std::string::npos) ++user_notices;
  CHECK(user_notices == 1);
  CHECK_FALSE(parse({"--workers", "two"}).ok);
  CHECK_FALSE(parse({"--log-rotate-age", "yearly"}).ok);
  CHECK_FALSE(parse({"--dry-run=yes"}).ok);
}

TEST_CASE("optional arguments take the next word only when it is not an option") {
  auto r = parse({"--suppress-repeated-stacktrace", "-c", "a.conf"});
  REQUIRE(r.ok);
  CHECK(r.cli.run.config_path == "a.conf");
  CHECK(parse({"--suppress-repeated-stacktrace", "false"}).ok);
  CHECK(parse({"--", "x"}).ok == false);
}
