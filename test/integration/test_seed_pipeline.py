"""The seed DaemonSet configuration end to end: a Kubernetes node's container log tree (docker
json-file behind the two levels of symlinks) → the node shipper running
/work/shared/examples/seed-daemonset/fluent.conf with only paths and ports changed → two real
shipper aggregators (in_forward → out_file). The node's files are rotated the way dockerd rotates
them and the node shipper is restarted on the same pos files and buffer directory.

Every line must arrive exactly once, with its tag, the node name, the /var/log/containers path it
was read from, and its event time to the nanosecond; chunks go to both aggregators."""
import collections
import glob
import json
import os
import unittest

from harness import SOURCE_DIR, ShipperTestCase, free_port, wait_until
from seed_tree import rewrite_seed_conf, seed_containers

SEED_CONF = os.path.join(SOURCE_DIR, "..", "shared", "examples", "seed-daemonset", "fluent.conf")
NODE_NAME = "node-e2e"
PER_HOUR = 50  # lines per container and hour written in each step


def aggregator_conf(port, out_dir):
    # out_file's `out_file` format: time (UTC, nanoseconds), tag, JSON record.
    return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {port}
</source>
<match runtime-*>
  @type file
  path {out_dir}/events
  append true
  <format>
    @type out_file
    time_format %Y-%m-%dT%H:%M:%S.%NZ
    utc true
  </format>
  <buffer>
    flush_mode immediate
  </buffer>
</match>
"""


def read_aggregator(out_dir):
    """[(time, tag, record)] from every file out_file wrote in out_dir (partial lines skipped)."""
    events = []
    for path in sorted(glob.glob(os.path.join(out_dir, "events*"))):
        if not os.path.isfile(path):
            continue  # out_file's buffer directory
        with open(path, "rb") as f:
            data = f.read().decode("utf-8", "replace")
        for line in data.split("\n")[:-1]:  # the last piece is empty or not yet complete
            parts = line.split("\t", 2)
            if len(parts) != 3:
                events.append(("<malformed>", "", {"raw": line}))
                continue
            try:
                record = json.loads(parts[2])
            except ValueError:
                record = {"raw": line}
            events.append((parts[0], parts[1], record))
    return events


class SeedPipelineTest(ShipperTestCase):
    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "node")
        self.pos_dir = os.path.join(self.tmp, "pos")
        self.buf_dir = os.path.join(self.tmp, "buffer")
        self.out_dirs = [os.path.join(self.tmp, "agg1"), os.path.join(self.tmp, "agg2")]
        for d in [self.root, self.pos_dir] + self.out_dirs:
            os.makedirs(d)
        self.containers = seed_containers(self.root)
        for c in self.containers:
            c.create()
        # log text -> (container, time string)
        self.expected = {}

    def write(self, hours, containers=None):
        for c in containers or self.containers:
            for text, stamp in c.write(hours, PER_HOUR).items():
                self.expected[text] = (c, stamp)

    def received(self):
        return [read_aggregator(d) for d in self.out_dirs]

    def wait_all_delivered(self, what, timeout=60):
        def done():
            got = {r.get("log") for events in self.received() for _, _, r in events}
            return all(text in got for text in self.expected)

        def missing():
            got = {r.get("log") for events in self.received() for _, _, r in events}
            lost = [t for t in self.expected if t not in got]
            return f"{len(lost)} of {len(self.expected)} lines missing, e.g. {lost[:3]}"

        try:
            wait_until(done, timeout=timeout, interval=0.1, message=what)
        except AssertionError as e:
            raise AssertionError(f"{e}: {missing()}\nnode stderr:\n{self.node.stderr()[-3000:]}"
                                 f"\nnode stdout:\n{self.node.stdout()[-3000:]}") from None

    def pos_caught_up(self):
        """True when every container's pos entry (Fluentd's `path<TAB>offset<TAB>inode`) is at
        the end of the file its path resolves to now."""
        entries = {}
        for path in glob.glob(os.path.join(self.pos_dir, "*.log")):
            with open(path) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) == 3:
                        entries[parts[0]] = (int(parts[1], 16), int(parts[2], 16))
        for c in self.containers:
            st = os.stat(c.real_path)
            if entries.get(c.containers_path) != (st.st_size, st.st_ino):
                return False
        return True

    def start_node(self, conf, name):
        node = self.start(conf, env={"MY_NODE_NAME": NODE_NAME, "TZ": "UTC"}, name=name)
        for c in self.containers:
            node.wait_for_output(f"following tail of {c.containers_path}", timeout=15)
        return node

    def test_seed_daemonset_pipeline(self):
        with open(SEED_CONF) as f:
            seed = f.read()
        ports = [free_port(), free_port()]
        while ports[1] == ports[0]:
            ports[1] = free_port()
        conf = rewrite_seed_conf(seed, self.root, self.pos_dir, self.buf_dir, *ports)

        for i, (port, out_dir) in enumerate(zip(ports, self.out_dirs)):
            agg = self.start(aggregator_conf(port, out_dir), name=f"agg{i + 1}")
            agg.wait_for_output("listening port")

        # Every step writes lines with its own hour, so that each (tag, hour) buffer key
        # (timekey 3600) makes new chunks. The flush thread sends one chunk per
        # flush_thread_burst_interval (1 s, as in Fluentd), so the chunk count sets the run time.
        # Lines already on disk before the first start (read_from_head true):
        self.write(hours=[0])
        self.node = self.start_node(conf, "node1")

        # dockerd rotation on half of the containers while the node runs: the end of the old file
        # and the whole new file must both be read.
        rotated = self.containers[0::2]
        self.write(hours=[1], containers=rotated)
        for c in rotated:
            c.rotate()
        self.write(hours=[1])
        self.wait_all_delivered("lines of the first run")

        # Lines written just before SIGTERM are in the tail or the buffer at the stop; lines
        # written while the node is down are only on disk: the restarted node must pick both up
        # from its pos files and buffer directory.
        self.write(hours=[2])
        wait_until(self.pos_caught_up, timeout=30, interval=0.02, message="in_tail read hour 2")
        self.assertEqual(self.node.stop(timeout=30), 0, self.node.stderr()[-3000:])
        first_run_log = self.node.stdout() + self.node.stderr()
        self.write(hours=[3])
        self.node = self.start_node(conf, "node2")
        rotated = self.containers[1::2]
        self.write(hours=[4], containers=rotated)
        for c in rotated:
            c.rotate()
        self.write(hours=[4])
        self.wait_all_delivered("every line after the restart")

        per_agg = self.received()
        counts = collections.Counter(r.get("log") for events in per_agg for _, _, r in events)
        duplicates = {t: n for t, n in counts.items() if n > 1}
        self.assertEqual(list(duplicates.items())[:5], [], f"{len(duplicates)} duplicated lines")
        unexpected = [t for t in counts if t not in self.expected]
        self.assertEqual(unexpected[:5], [], "lines nobody wrote")

        keys_per_agg = []
        for events in per_agg:
            keys = set()
            for time_text, tag, record in events:
                container, stamp = self.expected[record["log"]]
                where = f"{record['log']!r} from {container.containers_path}"
                self.assertEqual(tag, container.tag, where)
                self.assertEqual(time_text, stamp, where)  # parsed and forwarded to the ns
                self.assertEqual(record.get("nodename"), NODE_NAME, where)
                self.assertEqual(record.get("file_name"), container.containers_path, where)
                # the json parser removes time_key; in_tail, the filter add file_name, nodename
                self.assertEqual(sorted(record), ["file_name", "log", "nodename", "stream"], where)
                keys.add((tag, stamp[:13]))
            keys_per_agg.append(keys)

        # weight 50 / 50: chunks (one per tag and hour, sometimes more) go to both aggregators.
        total = sum(len(k) for k in keys_per_agg)
        self.assertGreaterEqual(total, 25)
        for i, keys in enumerate(keys_per_agg):
            self.assertGreaterEqual(len(keys), total * 0.2,
                                    f"aggregator {i + 1} got {len(keys)} of {total} chunk keys")

        node_log = first_run_log + self.node.stdout()
        for c in self.containers:
            self.assertIn(f"detected rotation of {c.containers_path}", node_log)
        for line in (first_run_log + self.node.stdout() + self.node.stderr()).splitlines():
            self.assertNotIn("[error]", line)
        self.assertEqual(self.node.stop(timeout=30), 0, self.node.stderr()[-3000:])


if __name__ == "__main__":
    unittest.main()
