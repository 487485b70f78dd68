"""Two shipper processes: node (in_forward → out_forward with acks and a file buffer) →
aggregator (in_forward → out_file). The aggregator is killed with SIGKILL mid-stream and
brought back: every event arrives; duplicates are bounded by the chunks in flight."""
import glob
import json
import os
import signal
import unittest

from fluent import sender

from harness import ShipperTestCase, free_port, wait_until


class ForwardChainTest(ShipperTestCase):
    def aggregator_conf(self, port, out_dir, agg_buf_dir):
        # The aggregator acks what it has written to its own file buffer, so a kill -9 loses
        # nothing it acked; a memory buffer would (as in Fluentd).
        return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {port}
</source>
<match **>
  @type file
  path {out_dir}/events
  append true
  <format>
    @type json
  </format>
  <buffer>
    @type file
    path {agg_buf_dir}
    flush_mode immediate
  </buffer>
</match>
"""

    def node_conf(self, in_port, agg_port, buf_dir):
        return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<match app.**>
  @type forward
  require_ack_response true
  ack_response_timeout 3
  heartbeat_interval 0.5
  hard_timeout 4
  recover_wait 1
  <server>
    host 127.0.0.1
    port {agg_port}
  </server>
  <buffer>
    @type file
    path {buf_dir}
    flush_mode interval
    flush_interval 0.2
    flush_thread_burst_interval 0
    chunk_limit_records 20
    retry_wait 0.5
    retry_max_interval 1
  </buffer>
</match>
"""

    def received(self, out_dir):
        seen = []
        for path in glob.glob(os.path.join(out_dir, "events*")):
            if not os.path.isfile(path):
                continue  # out_file's buffer directory
            with open(path, errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if line:
                        try:
                            seen.append(json.loads(line)["i"])
                        except (ValueError, KeyError):
                            pass
        return seen

    def test_kill_aggregator_mid_stream(self):
        out_dir = os.path.join(self.tmp, "out")
        buf_dir = os.path.join(self.tmp, "buf")
        agg_buf_dir = os.path.join(self.tmp, "agg-buf")
        os.makedirs(out_dir)
        agg_port, in_port = free_port(), free_port()
        agg = self.start(self.aggregator_conf(agg_port, out_dir, agg_buf_dir), name="agg1")
        agg.wait_for_output("listening port")
        node = self.start(self.node_conf(in_port, agg_port, buf_dir), name="node")
        node.wait_for_output("listening port")

        total = 2000
        s = sender.FluentSender("app", host="127.0.0.1", port=in_port, nanosecond_precision=True)
        for i in range(total // 2):
            self.assertTrue(s.emit("ev", {"i": i}), s.last_error)
        wait_until(lambda: len(self.received(out_dir)) > 0, 20, message="first events at the aggregator")
        agg.proc.send_signal(signal.SIGKILL)
        agg.proc.wait(10)
        for i in range(total // 2, total):
            self.assertTrue(s.emit("ev", {"i": i}), s.last_error)
        s.close()
        # The node notices the outage and keeps its chunks for retry.
        node.wait_for_output("failed to flush the buffer", 30)
        agg2 = self.start(self.aggregator_conf(agg_port, out_dir, agg_buf_dir), name="agg2")
        agg2.wait_for_output("listening port")
        wait_until(lambda: set(self.received(out_dir)) >= set(range(total)), 90,
                   message="every event at the aggregator")
        got = self.received(out_dir)
        duplicates = len(got) - len(set(got))
        # At-least-once: only chunks in flight at the kill can be duplicated (20 records each).
        self.assertLessEqual(duplicates, 20 * 8, f"{duplicates} duplicates")


if __name__ == "__main__":
    unittest.main()
