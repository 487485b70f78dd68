"""grep and the parser filter through the real binary, and conf/kubernetes.conf's filter chain
checked with --dry-run."""
import os
import unittest

from engine_util import records
from harness import SOURCE_DIR, ShipperTestCase, run_shipper, wait_until


def sample(tag, record, rate=20):
    return f"""
<source>
  @type sample
  tag {tag}
  rate {rate}
  sample {record}
</source>
"""


class GrepParserTest(ShipperTestCase):

    def test_grep_keeps_and_drops(self):
        conf = (sample("app.keep", '{"level":"error","msg":"disk full"}') +
                sample("app.drop", '{"level":"info","msg":"disk ok"}') +
                sample("app.nolevel", '{"msg":"no level"}') + """
<filter app.**>
  @type grep
  <regexp>
    key msg
    pattern /disk/
  </regexp>
  <exclude>
    key level
    pattern /^(info|)$/
  </exclude>
</filter>
<match app.**>
  @type stdout
</match>
""")
        p = self.start(conf)
        wait_until(lambda: len([r for r in records(p.stdout()) if r[0] == "app.keep"]) >= 3, timeout=15,
                   message=f"kept records; stdout:\n{p.stdout()[-2000:]}\n{p.stderr()[-2000:]}")
        self.assertEqual(p.stop(), 0)
        tags = {t for t, _ in records(p.stdout())}
        self.assertEqual(tags, {"app.keep"})

    def test_parser_filter_reserve_data(self):
        conf = sample("app.log", '{"log":"{\\"level\\":\\"warn\\",\\"n\\":3}","stream":"stdout"}') + """
<filter app.**>
  @type parser
  key_name log
  reserve_data true
  remove_key_name_field true
  <parse>
    @type json
  </parse>
</filter>
<match app.**>
  @type stdout
</match>
"""
        p = self.start(conf)
        got = wait_until(lambda: records(p.stdout()), timeout=15,
                         message=f"records; stdout:\n{p.stdout()[-2000:]}\n{p.stderr()[-2000:]}")
        self.assertEqual(p.stop(), 0)
        tag, rec = got[0]
        self.assertEqual(list(rec.items()), [("stream", "stdout"), ("level", "warn"), ("n", 3)])

    def test_kubernetes_conf_lints(self):
        r = run_shipper(["--dry-run", "-c", os.path.join(SOURCE_DIR, "conf", "kubernetes.conf")],
                        env={"MY_NODE_NAME": "node-1"})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_unsupported_ruby_is_a_config_error_with_location(self):
        conf_path = os.path.join(self.tmp, "bad.conf")
        with open(conf_path, "w") as f:
            f.write(sample("a", '{"x":1}') + """
<filter a>
  @type record_transformer
  enable_ruby true
  <record>
    y ${record.map { |k, v| v }}
  </record>
</filter>
<match a>
  @type stdout
</match>
""")
        r = run_shipper(["--dry-run", "-c", conf_path])
        self.assertNotEqual(r.returncode, 0)
        out = r.stdout + r.stderr
        self.assertIn("bad.conf:13:16: error", out)
        self.assertIn("method `map` is not supported", out)


if __name__ == "__main__":
    unittest.main()
