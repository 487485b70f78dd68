"""monitor_agent against the real binary: in_forward -> out_forward -> a loopback sink, with
/api/plugins(.json), /api/config(.json), query filters, retries while the destination is down,
events emitted with `tag`, and the health endpoints (monitor_agent's and --health-endpoint)."""
import json
import re
import signal
import unittest
import urllib.error
import urllib.request

from fluent import sender

from forward_sink import ForwardSink
from harness import ShipperTestCase, free_port, run_shipper, wait_until

RUBY_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$")


def http_get(port, path, timeout=5):
    """Returns (status, content_type, body text); HTTP errors are returned, not raised."""
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def plugins(port, query=""):
    status, ctype, body = http_get(port, "/api/plugins.json" + query)
    assert status == 200, (status, body)
    assert ctype == "application/json", ctype
    return json.loads(body)["plugins"]


def by_id(port, plugin_id, query=""):
    for p in plugins(port, query):
        if p["plugin_id"] == plugin_id:
            return p
    raise AssertionError(f"no plugin {plugin_id}")


def send(port, n, tag="app", start=0):
    s = sender.FluentSender(tag, host="127.0.0.1", port=port)
    for i in range(start, start + n):
        assert s.emit("x", {"i": i, "msg": f"record {i}"}), s.last_error
    s.close()


def config(in_port, mon_port, sink_port, extra_source=""):
    return f"""
<source>
  @type forward
  @id in_fwd
  bind 127.0.0.1
  port {in_port}
</source>
<source>
  @type monitor_agent
  @id mon
  bind 127.0.0.1
  port {mon_port}
  {extra_source}
</source>
<filter app.**>
  @type grep
  @id grep_all
  <regexp>
    key msg
    pattern /^record /
  </regexp>
</filter>
<match app.**>
  @type forward
  @id out_fwd
  <server>
    host 127.0.0.1
    port {sink_port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 0.2s
    retry_wait 0.3s
    retry_max_interval 1s
  </buffer>
</match>
"""


class MonitorAgentTest(ShipperTestCase):
    def setUp(self):
        super().setUp()
        self.sink = ForwardSink()
        self.addCleanup(lambda: self.sink.close())
        self.in_port, self.mon_port = free_port(), free_port()
        self.proc = self.start(config(self.in_port, self.mon_port, self.sink.port))
        wait_until(lambda: self._ready(), 15, message="monitor_agent /api/ready answers 200")

    def _ready(self):
        try:
            return http_get(self.mon_port, "/api/ready", timeout=1)[0] == 200
        except OSError:
            return False

    def test_counts_retry_and_recovery(self):
        n = 40
        send(self.in_port, n)
        wait_until(lambda: by_id(self.mon_port, "in_fwd").get("emit_records") == n and
                   by_id(self.mon_port, "out_fwd").get("emit_records") == n, 15,
                   message=f"{n} records counted in and out")
        wait_until(lambda: len(self.sink.events()) == n, 15, message="records at the sink")
        out = by_id(self.mon_port, "out_fwd")
        # Fluentd's key order: common fields, buffer fields, retry_count, output statistics.
        self.assertEqual(list(out)[:10],
                         ["plugin_id", "plugin_category", "type", "config", "output_plugin",
                          "buffer_queue_length", "buffer_timekeys", "buffer_total_queued_size",
                          "retry_count", "emit_records"])
        self.assertEqual(out["plugin_category"], "output")
        self.assertIs(out["output_plugin"], True)
        self.assertEqual(out["type"], "forward")
        self.assertEqual(out["config"]["@id"], "out_fwd")
        self.assertEqual(out["retry_count"], 0)
        self.assertEqual(out["retry"], {})
        self.assertGreaterEqual(out["write_count"], 1)
        self.assertEqual(out["buffer_available_buffer_space_ratios"], 100.0)
        inp = by_id(self.mon_port, "in_fwd")
        self.assertEqual(list(inp)[:7], ["plugin_id", "plugin_category", "type", "config",
                                         "output_plugin", "retry_count", "emit_records"])
        self.assertIsNone(inp["retry_count"])
        self.assertNotIn("retry", inp)
        self.assertGreater(inp["emit_size"], 0)
        flt = by_id(self.mon_port, "grep_all")
        self.assertEqual(flt["plugin_category"], "filter")
        # Filters count what they passed on (every record matches the grep).
        self.assertEqual(flt["emit_records"], n)
        self.assertGreater(flt["emit_size"], 0)

        # Destination down: retries grow, chunks wait in the buffer, `retry` has Ruby times.
        self.sink.close()
        send(self.in_port, 10, start=n)

        def retrying():
            o = by_id(self.mon_port, "out_fwd")
            return o if o["retry_count"] >= 2 and o["buffer_total_queued_size"] > 0 and \
                o["retry"] else None
        out = wait_until(retrying, 20, message="out_fwd retrying with queued data")
        self.assertEqual(out["emit_records"], n + 10)
        self.assertGreater(out["buffer_queue_length"] + out["buffer_stage_length"], 0)
        self.assertGreaterEqual(out["retry"]["steps"], 1)
        self.assertRegex(out["retry"]["start"], RUBY_TIME)
        self.assertRegex(out["retry"]["next_time"], RUBY_TIME)
        self.assertNotIn("retry", by_id(self.mon_port, "out_fwd", "?with_retry=no"))

        # The text endpoint: one line per plugin, key:value pairs, nested values left out.
        status, ctype, text = http_get(self.mon_port, "/api/plugins")
        self.assertEqual(status, 200)
        self.assertTrue(ctype.startswith("text/plain"))
        rows = [dict(kv.split(":", 1) for kv in line.split("\t"))
                for line in text.splitlines()]
        self.assertEqual([r["plugin_id"] for r in rows], ["in_fwd", "mon", "out_fwd", "grep_all"])
        out_row = rows[2]
        self.assertGreaterEqual(int(out_row["retry_count"]), 2)
        self.assertNotIn("config", out_row)
        self.assertNotIn("retry", out_row)
        self.assertEqual(rows[0]["retry_count"], "")
        self.assertEqual(rows[0]["output_plugin"], "false")

        # shipper status shows the same numbers for a person.
        r = run_shipper(["status", "--url", f"http://127.0.0.1:{self.mon_port}"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("live: yes", r.stdout)
        self.assertRegex(r.stdout, rf"in_fwd \(forward\)\s+records in {n + 10}\b")
        self.assertRegex(r.stdout, rf"out_fwd \(forward\)\s+records {n + 10}\b")
        self.assertRegex(r.stdout, r"retries \d+")
        self.assertIn("next retry at", r.stdout)

        # The destination comes back: everything is delivered and the retry state clears.
        self.sink = ForwardSink(port=self.sink.port)
        wait_until(lambda: len(self.sink.events()) >= 10, 20, message="resent records")
        wait_until(lambda: by_id(self.mon_port, "out_fwd")["retry"] == {} and
                   by_id(self.mon_port, "out_fwd")["buffer_total_queued_size"] == 0, 20,
                   message="retry cleared and buffer empty")

    def test_queries_and_config(self):
        ids = [p["plugin_id"] for p in plugins(self.mon_port)]
        self.assertEqual(ids, ["in_fwd", "mon", "out_fwd", "grep_all"])
        self.assertEqual([p["plugin_id"] for p in plugins(self.mon_port, "?@type=forward")],
                         ["in_fwd", "out_fwd"])
        self.assertEqual([p["plugin_id"] for p in plugins(self.mon_port, "?type=grep")],
                         ["grep_all"])
        self.assertEqual([p["plugin_id"] for p in plugins(self.mon_port, "?@id=mon")], ["mon"])
        self.assertEqual([p["plugin_id"] for p in plugins(self.mon_port, "?id=out_fwd")],
                         ["out_fwd"])
        self.assertEqual(plugins(self.mon_port, "?@id=nope"), [])
        self.assertEqual([p["plugin_id"] for p in plugins(self.mon_port, "?tag=app.web")],
                         ["out_fwd"])
        self.assertEqual(plugins(self.mon_port, "?tag=other"), [])
        self.assertTrue(all("config" not in p for p in plugins(self.mon_port, "?with_config=no")))
        self.assertEqual(by_id(self.mon_port, "in_fwd")["config"],
                         {"@type": "forward", "@id": "in_fwd", "bind": "127.0.0.1",
                          "port": str(self.in_port)})
        ivars = by_id(self.mon_port, "out_fwd", "?with_ivars=id,num_errors,nothing")
        self.assertEqual(ivars["instance_variables"], {"id": "out_fwd", "num_errors": 0})
        status, _, body = http_get(self.mon_port, "/api/plugins.json?debug=1")
        self.assertEqual(status, 200)
        self.assertIn('\n  "plugins": [\n    {\n      "plugin_id": "in_fwd",', body)
        self.assertIn("instance_variables", body)

        status, ctype, body = http_get(self.mon_port, "/api/plugins.json/extra")
        self.assertEqual((status, ctype, json.loads(body)), (404, "application/json",
                                                             {"message": "Not found"}))
        self.assertEqual(http_get(self.mon_port, "/nothing")[0], 404)
        req = urllib.request.Request(f"http://127.0.0.1:{self.mon_port}/api/plugins.json",
                                     data=b"x", method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=5)
        self.assertEqual(cm.exception.code, 405)

        status, _, body = http_get(self.mon_port, "/api/config.json")
        self.assertEqual(status, 200)
        cfg = json.loads(body)
        self.assertEqual(list(cfg), ["pid", "ppid", "config_path", "pid_file", "plugin_dirs",
                                     "log_path", "root_dir"])
        self.assertEqual(cfg["pid"], self.proc.proc.pid)
        self.assertEqual(cfg["config_path"], self.proc.config_path)
        self.assertEqual(cfg["plugin_dirs"], ["/etc/fluent/plugin"])
        self.assertIsNone(cfg["log_path"])
        status, _, text = http_get(self.mon_port, "/api/config")
        self.assertRegex(text, rf"^pid:{self.proc.proc.pid}\tppid:\d+\tconfig_path:"
                               rf"{re.escape(self.proc.config_path)}\tpid_file:\t"
                               r'plugin_dirs:\["/etc/fluent/plugin"\]\tlog_path:\troot_dir:$')

    def test_health_endpoints(self):
        status, ctype, body = http_get(self.mon_port, "/api/health")
        self.assertEqual((status, ctype), (200, "application/json"))
        h = json.loads(body)
        self.assertIs(h["live"], True)
        self.assertLess(h["seconds_since_tick"], h["live_timeout"])
        status, _, body = http_get(self.mon_port, "/api/ready")
        self.assertEqual(status, 200)
        self.assertIs(json.loads(body)["ready"], True)
        url = f"http://127.0.0.1:{self.mon_port}"
        self.assertEqual(run_shipper(["status", "--url", url, "--check-ready"]).returncode, 0)
        self.assertEqual(run_shipper(["status", "--url", url, "--check-live"]).returncode, 0)
        self.assertEqual(self.proc.stop(), 0)
        r = run_shipper(["status", "--url", url, "--check-ready", "--timeout", "2"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot reach shipper", r.stderr)


class MonitorAgentEmitTest(ShipperTestCase):
    def test_tag_emits_reports_as_events(self):
        sink = ForwardSink()
        self.addCleanup(sink.close)
        in_port, mon_port = free_port(), free_port()
        conf = config(in_port, mon_port, sink.port, "tag monitor.metrics\n  emit_interval 1s") + \
            f"""
<match monitor.**>
  @type forward
  @id out_metrics
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    flush_interval 0.2s
  </buffer>
</match>
"""
        self.start(conf)

        def metric_events():
            return [rec for tag, (_, rec) in sink.events() if tag == "monitor.metrics"]
        wait_until(lambda: len(metric_events()) >= 10, 20, message="two rounds of metric events")
        recs = metric_events()
        ids = [r["plugin_id"] for r in recs[:5]]
        self.assertEqual(ids, ["in_fwd", "mon", "out_fwd", "out_metrics", "grep_all"])
        out = recs[2]
        self.assertEqual(out["plugin_category"], "output")
        self.assertNotIn("config", out)
        self.assertNotIn("retry", out)
        self.assertIn("buffer_queue_length", out)


class HealthEndpointTest(ShipperTestCase):
    CONF = """
<source>
  @type sample
  tag app.sample
  rate 1
</source>
<match app.**>
  @type null
</match>
"""

    def test_builtin_health_endpoint(self):
        port = free_port()
        p = self.start(self.CONF, args=["--health-endpoint", f"127.0.0.1:{port}"])

        def ready():
            try:
                return http_get(port, "/api/ready", timeout=1)[0] == 200
            except OSError:
                return False
        wait_until(ready, 15, message="--health-endpoint ready")
        status, ctype, body = http_get(port, "/api/health")
        self.assertEqual((status, ctype), (200, "application/json"))
        self.assertIs(json.loads(body)["live"], True)
        self.assertEqual(http_get(port, "/api/plugins.json")[0], 404)
        url = f"http://127.0.0.1:{port}"
        r = run_shipper(["status", "--url", url])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ready: yes", r.stdout)
        self.assertIn("no plugin metrics here", r.stdout)
        r = run_shipper(["status", "--check-ready"], env={"SHIPPER_STATUS_URL": url})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('"ready":true', r.stdout)
        self.assertEqual(p.stop(), 0)
        self.assertNotEqual(run_shipper(["status", "--url", url, "--check-live"]).returncode, 0)

    def test_port_only_binds_loopback(self):
        port = free_port()
        self.start(self.CONF, args=[f"--health-endpoint={port}"])
        wait_until(lambda: self._answers(port), 15, message="health endpoint on loopback")

    @staticmethod
    def _answers(port):
        try:
            return http_get(port, "/api/health", timeout=1)[0] == 200
        except OSError:
            return False

    def test_bad_values_and_busy_port(self):
        r = run_shipper(["--health-endpoint", "host:notaport", "--dry-run", "-c", "/dev/null"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("invalid argument: --health-endpoint host:notaport", r.stdout)
        r = run_shipper(["--health-live-timeout", "0", "--dry-run", "-c", "/dev/null"])
        self.assertEqual(r.returncode, 1)
        # A port someone else holds: the process says so and exits 1.
        sink = ForwardSink()
        self.addCleanup(sink.close)
        p = self.start(self.CONF, args=["--health-endpoint", f"127.0.0.1:{sink.port}"])
        self.assertEqual(p.proc.wait(timeout=20), 1)
        self.assertIn("--health-endpoint: cannot listen on 127.0.0.1", p.stdout())

    def test_not_ready_while_stopping(self):
        # A destination that never acks keeps the graceful stop busy (it waits for the ack of
        # the chunk in flight); meanwhile the pipeline is no longer ready but still live.
        sink = ForwardSink(drop_ack=True)
        self.addCleanup(sink.close)
        port = free_port()
        conf = f"""
<source>
  @type sample
  tag app.sample
  rate 100
</source>
<match app.**>
  @type forward
  require_ack_response true
  ack_response_timeout 5s
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    flush_interval 0.5s
  </buffer>
</match>
"""
        p = self.start(conf, args=["--health-endpoint", f"127.0.0.1:{port}"])
        wait_until(lambda: self._status(port, "/api/ready") == 200, 15, message="ready")
        wait_until(lambda: sink.frame_count() > 0, 15, message="a chunk in flight")
        p.signal(signal.SIGTERM)
        wait_until(lambda: self._status(port, "/api/ready") == 503, 15, message="ready 503")
        self.assertEqual(self._status(port, "/api/health"), 200)
        r = run_shipper(["status", "--url", f"http://127.0.0.1:{port}", "--check-ready"])
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("503", r.stdout)

    @staticmethod
    def _status(port, path):
        try:
            return http_get(port, path, timeout=1)[0]
        except OSError:
            return None


if __name__ == "__main__":
    unittest.main()
