"""out_forward against a python msgpack listener: the frame layout byte by byte (default, gzip,
ack), weighted balancing, failover and standby."""
import collections
import os
import socket
import struct
import time
import unittest

import msgpack
from fluent import sender

from forward_sink import ForwardSink, EventTime
from harness import ShipperTestCase, free_port, wait_until


def source(port):
    return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {port}
</source>
"""


def send_events(port, tag, n, start=0):
    s = sender.FluentSender(tag, host="127.0.0.1", port=port, nanosecond_precision=True)
    for i in range(start, start + n):
        assert s.emit("ev", {"i": i, "msg": f"event {i}"}), s.last_error
    s.close()


class OutForwardFrameTest(ShipperTestCase):
    def run_case(self, extra, ack):
        sink = ForwardSink(ack=ack)
        self.addCleanup(sink.close)
        in_port = free_port()
        conf = source(in_port) + f"""
<match app.**>
  @type forward
  @id out_fwd
  {extra}
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 1s
  </buffer>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        send_events(in_port, "app", 5)
        wait_until(lambda: len(sink.events()) >= 5, 15, message="5 events at the sink")
        self.assertEqual(sink.errors, [])
        return p, sink

    def check_frame(self, f, compressed, ack):
        self.assertEqual(f.tag, "app.ev")
        keys = ["size", "compressed"] + (["chunk"] if ack else [])
        self.assertEqual(f.option_keys, keys)
        self.assertEqual(f.options["size"], len(f.events))
        self.assertEqual(f.options["compressed"], compressed)
        # Option map bytes exactly as Fluentd writes them.
        expected = msgpack.packb(f.options)
        self.assertEqual(f.option_raw, expected)
        for time_, record in f.events:
            self.assertIsInstance(time_, EventTime)
            self.assertGreater(time_.sec, 1600000000)
            self.assertIn("i", record)
        # Entries are [EventTime (fixext8 d7 00), map] concatenated.
        self.assertEqual(f.entries_bytes[:3], b"\x92\xd7\x00")
        if compressed == "gzip":
            self.assertEqual(f.payload[:4], b"\x1f\x8b\x08\x00")
            self.assertEqual(f.payload[9], 3)  # OS = Unix
        if ack:
            token = f.options["chunk"]
            self.assertEqual(len(token), 25)
            self.assertTrue(token.endswith("\n"))

    def test_default_frame_layout(self):
        p, sink = self.run_case("", ack=False)
        for f in sink.frames:
            self.check_frame(f, "text", ack=False)
        self.assertEqual(sorted(r["i"] for _, (_, r) in sink.events()), list(range(5)))
        self.assertIn("adding forwarding server '127.0.0.1:%d' host=\"127.0.0.1\" port=%d weight=60 "
                      "plugin_id=\"out_fwd\"" % (sink.port, sink.port), p.stdout())

    def test_gzip_frame_layout(self):
        _, sink = self.run_case("compress gzip", ack=False)
        for f in sink.frames:
            self.check_frame(f, "gzip", ack=False)

    def test_ack_mode_commits_after_ack(self):
        p, sink = self.run_case("require_ack_response true", ack=True)
        for f in sink.frames:
            self.check_frame(f, "text", ack=True)
        # No resend happened: every event exactly once.
        time.sleep(1.5)
        self.assertEqual(sorted(r["i"] for _, (_, r) in sink.events()), list(range(5)))
        self.assertIn("delayed_commit_timeout is overwritten by ack_response_timeout", p.stdout())


class OutForwardFileChunkTest(ShipperTestCase):
    """A file chunk bigger than out_forward's send piece (1 MiB) is read and sent in pieces: the
    peer must still get one well-formed frame with every event, in order. A memory chunk made of
    in_tail's batches, taken whole instead of copied, is sent as those pieces too."""

    def run_case(self, ack, buffer_type="file", compress="text"):
        sink = ForwardSink(ack=ack)
        self.addCleanup(sink.close)
        log = os.path.join(self.tmp, "big.log")
        lines = [f"line {i:05d} " + "x" * 280 for i in range(12000)]  # ~3.5 MiB of records
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
        buf = os.path.join(self.tmp, "buffer")
        conf = f"""
<source>
  @type tail
  path {log}
  pos_file {self.tmp}/big.pos
  tag big
  read_from_head true
  <parse>
    @type none
  </parse>
</source>
<match big>
  @type forward
  require_ack_response {"true" if ack else "false"}
  compress {compress}
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    @type {buffer_type}
    {f"path {buf}" if buffer_type == "file" else ""}
    chunk_limit_size 8m
    flush_mode interval
    flush_interval 2s
  </buffer>
</match>
"""
        self.start(conf)
        wait_until(lambda: len(sink.events()) >= len(lines), 30, message="every line at the sink")
        self.assertEqual(sink.errors, [])
        self.assertEqual([r["message"] for _, (_, r) in sink.events()], lines)
        big = [f for f in sink.frames if len(f.entries_bytes) > (1 << 20)]
        self.assertTrue(big, "no frame carried a chunk bigger than one send piece")
        for f in sink.frames:
            self.assertEqual(f.options["size"], len(f.events))
            self.assertEqual(f.options["compressed"], compress)
        if buffer_type == "file":
            # The chunks were deleted once written (and, with acks, acknowledged).
            wait_until(lambda: not [n for n in os.listdir(buf) if n.startswith(("b", "q"))], 10,
                       message="chunk files deleted")

    def test_big_file_chunk_without_ack(self):
        self.run_case(ack=False)

    def test_big_file_chunk_with_ack(self):
        self.run_case(ack=True)

    def test_memory_chunk_of_taken_batches(self):
        self.run_case(ack=False, buffer_type="memory")

    def test_memory_chunk_of_taken_batches_with_ack_and_gzip(self):
        self.run_case(ack=True, buffer_type="memory", compress="gzip")


class OutForwardAckTimeoutTest(ShipperTestCase):
    def test_missing_ack_is_resent(self):
        silent = ForwardSink(ack=True, drop_ack=True)
        self.addCleanup(silent.close)
        in_port = free_port()
        conf = source(in_port) + f"""
<match app.**>
  @type forward
  require_ack_response true
  ack_response_timeout 2
  heartbeat_type none
  <server>
    host 127.0.0.1
    port {silent.port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 1s
  </buffer>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        send_events(in_port, "app", 3)
        # The chunk is sent, not acked within 2 s, rolled back and sent again with the same token.
        wait_until(lambda: silent.frame_count() >= 2, 20, message="a resent chunk")
        p.wait_for_output("no response from node. regard it as unavailable.")
        tokens = [f.options["chunk"] for f in silent.frames]
        self.assertEqual(tokens[0], tokens[1])


class OutForwardBalanceTest(ShipperTestCase):
    def conf(self, in_port, servers, extra=""):
        body = "".join(f"""
  <server>
    host 127.0.0.1
    port {port}
    {opts}
  </server>""" for port, opts in servers)
        return source(in_port) + f"""
<match app.**>
  @type forward
  heartbeat_interval 0.5
  {extra}
  {body}
  <buffer>
    flush_mode immediate
    flush_thread_burst_interval 0
    chunk_limit_records 1
  </buffer>
</match>
"""

    def test_weighted_60_40_per_chunk(self):
        a, b = ForwardSink(ack=False), ForwardSink(ack=False)
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        in_port = free_port()
        p = self.start(self.conf(in_port, [(a.port, "weight 60"), (b.port, "weight 40")]))
        p.wait_for_output("listening port")
        n = 500
        send_events(in_port, "app", n)
        wait_until(lambda: a.frame_count() + b.frame_count() >= n, 60, message=f"{n} chunks")
        total = a.frame_count() + b.frame_count()
        self.assertEqual(total, n)
        share = a.frame_count() / total
        # Fluentd's balancer cycles through a shuffled array of 5 slots (3 A + 2 B), so over
        # 500 chunks the split is exact to within one lap.
        self.assertAlmostEqual(share, 0.6, delta=0.03)

    def test_one_node_down_all_go_to_the_other(self):
        a = ForwardSink(ack=False)
        self.addCleanup(a.close)
        dead = free_port()
        in_port = free_port()
        p = self.start(self.conf(in_port, [(a.port, ""), (dead, "")]))
        p.wait_for_output("listening port")
        send_events(in_port, "app", 50)
        wait_until(lambda: a.frame_count() >= 50, 30, message="50 chunks on the live node")
        self.assertEqual(a.frame_count(), 50)

    def test_standby_used_only_when_regular_nodes_are_down(self):
        regular = ForwardSink(ack=False)
        standby = ForwardSink(ack=False)
        self.addCleanup(standby.close)
        in_port = free_port()
        extra = "phi_threshold 2\n  hard_timeout 3\n  recover_wait 1"
        p = self.start(self.conf(in_port, [(regular.port, ""), (standby.port, "standby true")],
                                 extra))
        p.wait_for_output("listening port")
        send_events(in_port, "app", 20)
        wait_until(lambda: regular.frame_count() >= 20, 30, message="20 chunks on the regular node")
        self.assertEqual(standby.frame_count(), 0)
        regular.close()
        p.wait_for_output("detached forwarding server", timeout=20)
        p.wait_for_output("using standby node", timeout=10)
        send_events(in_port, "app", 20, start=100)
        wait_until(lambda: standby.frame_count() >= 20, 30, message="20 chunks on the standby")


class ForwardDryRunTest(ShipperTestCase):
    def test_no_server_is_a_config_error(self):
        from harness import run_shipper
        path = os.path.join(self.tmp, "f.conf")
        with open(path, "w") as f:
            f.write("<match **>\n  @type forward\n</match>\n")
        r = run_shipper(["--dry-run", "-c", path])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("forward output plugin requires at least one node is required. "
                      "Add <server> or <service_discovery>", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
