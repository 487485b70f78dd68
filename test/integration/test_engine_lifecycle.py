"""Lifecycle of the real binary: start, SIGTERM, reload on SIGHUP/SIGUSR2 (good and broken
configs), SIGUSR1 log reopen, config and start errors, and idle CPU use."""
import os
import signal
import socket
import time
import unittest

from engine_util import cpu_seconds, records_for
from harness import ShipperTestCase, wait_until


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def sample_conf(tag, extra=""):
    return f"""
<source>
  @type sample
  @id in_{tag.replace('.', '_')}
  tag {tag}
  rate 10
  sample {{"tag_was":"{tag}"}}
</source>
<match **>
  @type stdout
  @id out_stdout
</match>
{extra}
"""


class LifecycleTest(ShipperTestCase):

    def test_sigterm_stops_gracefully_and_promptly(self):
        p = self.start(sample_conf("t.a"))
        p.wait_for_output("shipper worker is now running")
        wait_until(lambda: records_for(p.stdout(), "t.a"), message="events")
        started = time.monotonic()
        code = p.stop(signal.SIGTERM, timeout=10)
        elapsed = time.monotonic() - started
        self.assertEqual(code, 0)
        self.assertLess(elapsed, 5.0)
        out = p.stdout()
        self.assertIn("[info]: Received graceful stop", out)
        self.assertIn('shutting down input plugin type=:sample plugin_id="in_t_a"', out)
        self.assertIn('shutting down output plugin type=:stdout plugin_id="out_stdout"', out)
        # Inputs shut down before outputs.
        self.assertLess(out.index("shutting down input plugin"), out.index("shutting down output plugin"))

    def test_sigint_stops_gracefully(self):
        p = self.start(sample_conf("t.int"))
        p.wait_for_output("shipper worker is now running")
        self.assertEqual(p.stop(signal.SIGINT, timeout=10), 0)

    def test_startup_lines(self):
        p = self.start(sample_conf("t.s"))
        p.wait_for_output("shipper worker is now running")
        out = p.stdout()
        self.assertIn(f"starting shipper-", out)
        self.assertIn(f"pid={p.proc.pid}", out)
        self.assertIn("[info]: using configuration file: <ROOT>\n  <source>\n    @type sample", out)
        self.assertIn('[info]: adding match pattern="**" type="stdout"', out)
        self.assertIn('[info]: adding source type="sample"', out)
        self.assertLess(out.index("adding match"), out.index("adding source"))
        p.stop()

    def test_suppress_config_dump(self):
        p = self.start(sample_conf("t.q"), args=["--suppress-config-dump"])
        p.wait_for_output("shipper worker is now running")
        self.assertNotIn("using configuration file", p.stdout())
        p.stop()

    def test_config_error_exits_1_with_nothing_started(self):
        port_probe = socket.socket()
        port_probe.bind(("127.0.0.1", 0))
        port = port_probe.getsockname()[1]
        port_probe.close()
        conf = f"""
<source>
  @type forward
  port {port}
  bind 127.0.0.1
</source>
<match **>
  @type stdout
  no_such_param 1
  @label @missing
</match>
"""
        p = self.start(conf)
        code = p.proc.wait(timeout=20)
        self.assertEqual(code, 1)
        self.assertIn("@missing label not found", p.stderr() + p.stdout())
        self.assertNotIn("shipper worker is now running", p.stdout())
        # The forward input was never started: its port was never bound.
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))

    def test_plugin_start_failure_exits_1_naming_the_plugin(self):
        busy = socket.socket()
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        try:
            conf = f"""
<source>
  @type forward
  @id busy_forward
  port {port}
  bind 127.0.0.1
</source>
<match **>
  @type stdout
</match>
"""
            p = self.start(conf)
            code = p.proc.wait(timeout=20)
            self.assertEqual(code, 1)
            out = p.stdout()
            self.assertIn("failed to start input plugin type=:forward", out)
            self.assertIn('plugin_id="busy_forward"', out)
            self.assertIn("shipper.conf:2:1", out)
            self.assertNotIn("shipper worker is now running", out)
        finally:
            busy.close()

    def _count(self, p, tag):
        return len(records_for(p.stdout(), tag))

    def test_sighup_with_broken_config_keeps_running(self):
        p = self.start(sample_conf("old.tag"))
        wait_until(lambda: self._count(p, "old.tag") > 0, message="first events")
        with open(p.config_path, "w") as f:
            f.write("<source>\n  @type sample\n  tag x\n</source>\n<match **>\n  @type no_such_output\n</match>\n")
        p.signal(signal.SIGHUP)
        wait_until(lambda: "failed to reload config" in p.stdout(), message="reload failure logged")
        self.assertIn("no_such_output", p.stdout() + p.stderr())
        before = self._count(p, "old.tag")
        wait_until(lambda: self._count(p, "old.tag") > before + 3, message="events still flowing")
        self.assertTrue(p.alive())
        # A syntax error is refused the same way.
        with open(p.config_path, "w") as f:
            f.write("<source>\n  @type sample\n")
        p.signal(signal.SIGHUP)
        wait_until(lambda: p.stdout().count("failed to reload config") >= 2, message="second failure")
        before = self._count(p, "old.tag")
        wait_until(lambda: self._count(p, "old.tag") > before + 3, message="events still flowing")
        self.assertEqual(p.stop(), 0)

    def test_sighup_and_sigusr2_with_good_config_switch(self):
        p = self.start(sample_conf("first.tag"))
        wait_until(lambda: self._count(p, "first.tag") > 0, message="first events")
        with open(p.config_path, "w") as f:
            f.write(sample_conf("second.tag"))
        p.signal(signal.SIGHUP)
        wait_until(lambda: self._count(p, "second.tag") > 0, message="events of the new config")
        self.assertIn('shutting down input plugin type=:sample plugin_id="in_first_tag"', p.stdout())
        first_after_switch = self._count(p, "first.tag")
        wait_until(lambda: self._count(p, "second.tag") > 5, message="more new events")
        self.assertEqual(self._count(p, "first.tag"), first_after_switch)
        with open(p.config_path, "w") as f:
            f.write(sample_conf("third.tag"))
        p.signal(signal.SIGUSR2)
        wait_until(lambda: self._count(p, "third.tag") > 0, message="events after SIGUSR2")
        self.assertEqual(p.stop(), 0)

    def test_sigusr1_reopens_moved_log_file(self):
        log_path = os.path.join(self.tmp, "shipper.log")
        p = self.start(sample_conf("log.tag"), args=["-o", log_path])
        wait_until(lambda: os.path.exists(log_path) and "log.tag:" in read(log_path),
                   message="records in the log file")
        moved = log_path + ".1"
        os.rename(log_path, moved)
        p.signal(signal.SIGUSR1)
        wait_until(lambda: os.path.exists(log_path), message="log file recreated")
        wait_until(lambda: "log.tag:" in read(log_path), message="records in the new file")
        self.assertIn("flushing all buffer forcedly", read(log_path) + read(moved))
        self.assertEqual(p.stop(), 0)

    def test_idle_pipeline_uses_almost_no_cpu(self):
        # Acceptance: with nothing to do, shipper uses < 1% of a CPU over 10 s.
        port_probe = socket.socket()
        port_probe.bind(("127.0.0.1", 0))
        port = port_probe.getsockname()[1]
        port_probe.close()
        conf = f"""
<source>
  @type forward
  port {port}
  bind 127.0.0.1
</source>
<filter **>
  @type record_transformer
  <record>
    x y
  </record>
</filter>
<match **>
  @type stdout
</match>
"""
        p = self.start(conf)
        p.wait_for_output("shipper worker is now running")
        time.sleep(1.0)  # let start-up work finish before measuring (not synchronisation)
        before = cpu_seconds(p.proc.pid)
        t0 = time.monotonic()
        time.sleep(10.0)
        used = cpu_seconds(p.proc.pid) - before
        wall = time.monotonic() - t0
        self.assertTrue(p.alive())
        self.assertLess(used / wall, 0.01, f"{used:.3f} CPU-s over {wall:.1f} s")
        self.assertEqual(p.stop(), 0)


if __name__ == "__main__":
    unittest.main()
