"""The command line: fluentd's flags and exit codes, --describe, --list-plugins, --show-config,
and --dry-run against fluentd's own dry-run fixtures and the seed DaemonSet config."""
import json
import os
import re
import unittest

from harness import FIXTURES, SOURCE_DIR, ShipperTestCase, run_shipper

SEED = os.path.join(SOURCE_DIR, "..", "shared", "examples", "seed-daemonset", "fluent.conf")
DRY_RUN = os.path.join(FIXTURES, "dry-run")
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} ", re.M)

FORWARD_WITH_SECRET = """
<source>
  @type forward
  port 24224
</source>
<match app.**>
  @type forward
  <server>
    host 127.0.0.1
    port 24225
    username shipper
    password s3cret-password
  </server>
  <buffer tag>
    flush_interval 1s
  </buffer>
</match>
"""


class CommandLineTest(ShipperTestCase):
    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_version_names_the_fluentd_it_is_compatible_with(self):
        r = run_shipper(["--version"])
        self.assertEqual(r.returncode, 0)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"^shipper \d+\.\d+\.\d+$")
        self.assertIn("fluentd", lines[1])

    def test_help_prints_usage(self):
        r = run_shipper(["-h"])
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("Usage: shipper [options]"))
        for flag in ("--dry-run", "--config", "--describe", "--list-plugins", "--show-config"):
            self.assertIn(flag, r.stdout)

    def test_unknown_option_prints_usage_and_error_on_stdout(self):
        r = run_shipper(["--bogus"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("Usage:", r.stdout)
        self.assertIn("error: invalid option: --bogus", r.stdout)

    def test_missing_argument(self):
        r = run_shipper(["-c"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: missing argument: -c", r.stdout)

    def test_positional_argument_prints_usage_and_exits_1(self):
        r = run_shipper(["fluent.conf"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("Usage:", r.stdout)
        self.assertNotIn("error:", r.stdout)

    def test_bad_config_file_type(self):
        r = run_shipper(["--config-file-type", "toml", "--dry-run"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("error: --config-file-type accepts yaml/yml or guess", r.stdout)

    def test_long_option_prefixes_and_short_forms(self):
        path = self.write("ok.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--dry", "-c" + path, "--suppress-conf"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("finished dry run mode", r.stdout)
        self.assertNotIn("using configuration file", r.stdout)

    def test_fluent_conf_environment_variable_is_the_default_path(self):
        path = self.write("env.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--dry-run"], env={"FLUENT_CONF": path})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f'path="{path}"', r.stdout)

    def test_missing_config_file_is_an_error(self):
        r = run_shipper(["--dry-run", "-c", os.path.join(self.tmp, "absent.conf")])
        self.assertEqual(r.returncode, 1)
        self.assertIn("absent.conf", r.stderr)

    def test_plugin_dir_with_ruby_files_warns_once_naming_them(self):
        plugin_dir = os.path.join(self.tmp, "plugins")
        os.mkdir(plugin_dir)
        for name in ("out_custom.rb", "filter_x.rb"):
            open(os.path.join(plugin_dir, name), "w").close()
        path = self.write("ok.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--dry-run", "-c", path, "-p", plugin_dir, "--suppress-config-dump"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        warnings = [l for l in r.stdout.splitlines() if "Ruby plugins" in l]
        self.assertEqual(len(warnings), 1, r.stdout)
        self.assertIn("out_custom.rb", warnings[0])
        self.assertIn("filter_x.rb", warnings[0])
        self.assertIn("[warn]", warnings[0])

    def test_flags_without_effect_are_accepted_with_a_notice(self):
        path = self.write("ok.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--dry-run", "-c", path, "--suppress-config-dump", "--user", "fluent",
                         "--disable-shared-socket", "--use-v1-config", "--log-event-verbose",
                         "--under-supervisor", "-r", "json", "--emit-error-log-interval", "5"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("--user has no effect", r.stdout)
        self.assertIn("-r has no effect", r.stdout)

    def test_no_supervisor_refuses_several_workers(self):
        path = self.write("ok.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--no-supervisor", "--workers", "2", "--dry-run", "-c", path])
        self.assertEqual(r.returncode, 2)
        self.assertIn("Error: multi workers is not supported with --no-supervisor", r.stdout)

    def test_inline_config_is_appended(self):
        path = self.write("ok.conf", FORWARD_WITH_SECRET)
        r = run_shipper(["--show-config", "-c", path, "-i", "<match extra.**>\\n  @type null\\n</match>"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("  <match extra.**>\n    @type null\n  </match>\n</ROOT>", r.stdout)


class DescribeTest(ShipperTestCase):
    def test_describe_a_plugin_from_its_schema(self):
        r = run_shipper(["--describe", "tail"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("input plugin 'tail'", r.stdout)
        self.assertRegex(r.stdout, r"\n  path \([a-z]+, required\)")
        self.assertRegex(r.stdout, r"\n  read_from_head \(bool, default: false\)")
        self.assertIn("<parse>", r.stdout)

    def test_describe_shows_secrets_and_sections_recursively(self):
        r = run_shipper(["--describe", "output:forward"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("<server>", r.stdout)
        self.assertRegex(r.stdout, r"\n    password \(string, [^)]*secret\)")

    def test_ambiguous_name_asks_for_the_kind(self):
        r = run_shipper(["--describe", "file"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("output:file", r.stderr)
        self.assertIn("buffer:file", r.stderr)
        self.assertEqual(run_shipper(["--describe", "buffer:file"]).returncode, 0)

    def test_unknown_plugin_suggests_a_name(self):
        r = run_shipper(["--describe", "forwrd"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("forward", r.stderr)

    def test_describe_system(self):
        r = run_shipper(["--describe", "system"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("workers (integer, default: 1)", r.stdout)
        self.assertIn("one of: trace, debug, info, warn, error, fatal", r.stdout)

    def test_list_plugins(self):
        r = run_shipper(["--list-plugins"])
        self.assertEqual(r.returncode, 0)
        rows = [l.split(None, 3) for l in r.stdout.splitlines()[1:]]
        kinds = {(row[0], row[1]) for row in rows}
        for expected in [("input", "tail"), ("output", "forward"), ("parser", "json"),
                         ("buffer", "file"), ("output", "null")]:
            self.assertIn(expected, kinds)
        self.assertTrue(all(row[2] in ("runs", "lint-only") for row in rows), r.stdout)


class ShowConfigTest(ShipperTestCase):
    def test_secret_is_masked_and_strings_are_quoted(self):
        path = os.path.join(self.tmp, "secret.conf")
        with open(path, "w") as f:
            f.write(FORWARD_WITH_SECRET)
        r = run_shipper(["--show-config", "-c", path])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("s3cret-password", r.stdout)
        self.assertIn("      password xxxxxx\n", r.stdout)
        self.assertIn('      host "127.0.0.1"\n', r.stdout)
        self.assertIn("      port 24225\n", r.stdout)
        self.assertTrue(r.stdout.startswith("<ROOT>\n"))


class DryRunTest(ShipperTestCase):
    def test_seed_config_is_valid(self):
        r = run_shipper(["--dry-run", "--lint-format", "json", "-c", SEED],
                        env={"MY_NODE_NAME": "node-1"})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        diags = [json.loads(l) for l in r.stderr.splitlines() if l.startswith("{")]
        self.assertEqual([d for d in diags if d["severity"] == "error"], [])
        self.assertIn("finished dry run mode", r.stdout)

    def test_fixture_dumps_match_fluentd(self):
        """The dump of a valid config has fluentd's shape: same lines, same quoting, except the
        two parser defaults fluentd's in_tail writes into <parse> (unmatched_lines, time_type)."""
        def dump(text):
            start = text.index("using configuration file: <ROOT>")
            end = text.index("</ROOT>", start)
            lines = text[start:end].splitlines()
            return [l for l in lines if l.strip() not in ("unmatched_lines", "time_type string")]

        for name in ("01_valid", "03_misspelled_param", "10_env_unset_var"):
            with self.subTest(case=name):
                r = run_shipper(["--dry-run", "-c", name + ".conf"], cwd=DRY_RUN,
                                env={"MY_NODE_NAME": "node-1"})
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                with open(os.path.join(DRY_RUN, name + ".stdout")) as f:
                    want = LOG_PREFIX.sub("", f.read())
                got = LOG_PREFIX.sub("", r.stdout)
                self.assertEqual(dump(got), dump(want))
                self.assertIn(f'[info]: parsing config file is succeeded path="{name}.conf"', got)
                self.assertTrue(got.rstrip().endswith("[info]: finished dry run mode"), got[-300:])

    def test_fixture_verdicts_match_fluentd(self):
        for case in sorted(os.listdir(DRY_RUN)):
            if not case.endswith(".conf"):
                continue
            name = case[:-5]
            with open(os.path.join(DRY_RUN, name + ".cmd")) as f:
                args = f.read().split()[1:]
            with open(os.path.join(DRY_RUN, name + ".exit")) as f:
                want_exit = int(f.read())
            r = run_shipper(args + ["--lint-format", "json"], cwd=DRY_RUN,
                            env={"MY_NODE_NAME": "node-1"})
            with self.subTest(case=name):
                self.assertEqual(r.returncode, want_exit, r.stdout + r.stderr)
                with open(os.path.join(DRY_RUN, name + ".stdout")) as f:
                    fluentd_out = f.read()
                m = re.search(r'error="(.*)"$', fluentd_out, re.M)
                if m:
                    messages = [json.loads(l)["message"] for l in r.stderr.splitlines()
                                if l.startswith("{")]
                    self.assertTrue(any(m.group(1) in msg for msg in messages),
                                    f"{m.group(1)!r} not in {messages}")

    def test_json_diagnostics_have_every_field(self):
        path = os.path.join(self.tmp, "bad.conf")
        with open(path, "w") as f:
            f.write("<source>\n  @type forward\n  port 24224\n</source>\n<match **>\n  @type nul\n</match>\n")
        r = run_shipper(["--dry-run", "--lint-format", "json", "-c", path])
        self.assertEqual(r.returncode, 1)
        d = json.loads(r.stderr.splitlines()[0])
        self.assertEqual(d["file"], path)
        self.assertEqual((d["line"], d["column"]), (6, 9))
        self.assertEqual((d["severity"], d["code"]), ("error", "unknown-plugin"))
        self.assertIn("did you mean 'null'", d["hint"])
        self.assertIn("error_class=Fluent::NotFoundPluginError", r.stdout)

    def test_text_diagnostics(self):
        path = os.path.join(self.tmp, "bad.conf")
        with open(path, "w") as f:
            f.write("<source>\n  @type forward\n  port 24224\n  bnid 0.0.0.0\n</source>\n")
        r = run_shipper(["--dry-run", "-c", path])
        self.assertEqual(r.returncode, 0)
        self.assertIn(f"{path}:4:3: warning: parameter 'bnid' in <source> is not used [unknown-parameter]\n"
                      "  hint: did you mean 'bind'?", r.stderr)


if __name__ == "__main__":
    unittest.main()
