"""record_transformer through the real binary: the seed config's `nodename` from the
environment, and the json-records fixture's record shape (key order included) from Fluentd 1.18."""
import json
import os
import unittest

from engine_util import RECORD_LINE, records
from harness import FIXTURES, ShipperTestCase, wait_until

FIXTURE_DIR = os.path.join(FIXTURES, "json-records")
COREDNS = ("coredns-5d78c9869d-7xkzq_kube-system_coredns-"
           "5ee6c5f0839ea78a186071f7b5022801bed7dcb7febcb701f41b23223f94f6c2.log")


class RecordTransformerTest(ShipperTestCase):

    def test_seed_filter_adds_nodename_from_the_environment(self):
        conf = """
<source>
  @type sample
  tag runtime-kube-apiserver
  rate 20
  sample {"log":"I0601 started\\n","stream":"stderr"}
</source>
<filter runtime-*>
  @type record_transformer
  <record>
    nodename "#{ENV['MY_NODE_NAME']}"
  </record>
</filter>
<match runtime-*>
  @type stdout
</match>
"""
        p = self.start(conf, env={"MY_NODE_NAME": "node-7"})
        got = wait_until(lambda: records(p.stdout())[:3] if len(records(p.stdout())) >= 3 else None,
                         timeout=15, message=f"3 records; stdout:\n{p.stdout()[-2000:]}\n{p.stderr()[-2000:]}")
        for tag, rec in got:
            self.assertEqual(tag, "runtime-kube-apiserver")
            self.assertEqual(list(rec.keys()), ["log", "stream", "nodename"])
            self.assertEqual(rec["nodename"], "node-7")
        self.assertEqual(p.stop(), 0)

    def test_json_records_fixture_shape(self):
        # The fixture's coredns file, at the same file name under a temporary root.
        containers = os.path.join(self.tmp, "var", "log", "containers")
        os.makedirs(containers)
        path = os.path.join(containers, COREDNS)
        with open(os.path.join(FIXTURE_DIR, "input", "coredns-json.log"), "rb") as src, \
                open(path, "wb") as dst:
            dst.write(src.read())
        conf = f"""
<source>
  @type tail
  @id in_tail_container_logs
  path {containers}/*.log
  pos_file {self.tmp}/containers.log.pos
  tag kubernetes.*
  read_from_head true
  path_key file_name
  <parse>
    @type json
    time_key time
    time_format %Y-%m-%dT%H:%M:%S.%N%z
  </parse>
</source>
<filter kubernetes.**>
  @type record_transformer
  @id filter_node_and_tag
  <record>
    nodename "#{{ENV['MY_NODE_NAME']}}"
    tag_copy ${{tag}}
  </record>
</filter>
<match kubernetes.**>
  @type stdout
  @id out_stdout
</match>
"""
        # Fluentd's lines for this file, with its paths mapped to ours.
        fluentd_tag = "kubernetes.var.log.containers." + COREDNS
        our_tag = "kubernetes." + path.lstrip("/").replace("/", ".")
        expected = []
        with open(os.path.join(FIXTURE_DIR, "fluentd.stdout"), encoding="utf-8") as f:
            for line in f:
                m = RECORD_LINE.match(line.rstrip("\n"))
                if m and m.group(2) == fluentd_tag:
                    text = m.group(3).replace("/var/log/containers/" + COREDNS, path)
                    text = text.replace(fluentd_tag, our_tag)
                    expected.append((m.group(1), our_tag, text))
        self.assertTrue(expected)

        p = self.start(conf, env={"MY_NODE_NAME": "node-1", "TZ": "UTC"})
        wait_until(lambda: len(self._lines(p, our_tag)) >= len(expected), timeout=20,
                   message=f"{len(expected)} records; stdout:\n{p.stdout()[-3000:]}\n{p.stderr()[-2000:]}")
        got = self._lines(p, our_tag)
        self.assertEqual(p.stop(), 0)
        # Same time, same tag, byte-identical record JSON (so the same key order).
        self.assertEqual(got[:len(expected)], expected)
        for _, _, text in got:
            self.assertEqual(list(json.loads(text).keys()),
                             ["log", "stream", "file_name", "nodename", "tag_copy"])

    @staticmethod
    def _lines(p, tag):
        out = []
        for line in p.stdout().splitlines():
            m = RECORD_LINE.match(line)
            if m and m.group(2) == tag:
                out.append((m.group(1), m.group(2), m.group(3)))
        return out


if __name__ == "__main__":
    unittest.main()
