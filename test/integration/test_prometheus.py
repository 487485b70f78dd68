"""The fluent-plugin-prometheus inputs (prometheus, prometheus_monitor, prometheus_output_monitor,
prometheus_tail_monitor) and shipper's own metrics, scraped over HTTP from the real binary. Every
scrape is read by prometheus_client's parser and checked line by line against the text format."""
import gzip
import os
import re
import urllib.error
import urllib.request
import unittest

from fluent import sender
from prometheus_client.parser import text_string_to_metric_families

from forward_sink import ForwardSink
from harness import ShipperTestCase, free_port, run_shipper, wait_until

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABELS = rf"\{{(?:[a-zA-Z_][a-zA-Z0-9_]*={LABEL_VALUE}(?:,[a-zA-Z_][a-zA-Z0-9_]*={LABEL_VALUE})*)?\}}"
VALUE = r"(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]Inf|NaN)"
HELP_RE = re.compile(rf"^# HELP ({NAME}) (.*)$")
TYPE_RE = re.compile(rf"^# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)$")
SAMPLE_RE = re.compile(rf"^({NAME})({LABELS})? ({VALUE})$")
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("", "_sum", "_count")}


def check_exposition(test, text):
    """Strict text format 0.0.4: HELP and TYPE once per family and before its samples, samples
    named after the family they follow, well-formed labels and values, a final newline."""
    test.assertTrue(text.endswith("\n"), "body must end with a newline")
    seen_help, seen_type = set(), set()
    family, ftype = None, None
    series = set()
    for line in text[:-1].split("\n"):
        m = HELP_RE.match(line)
        if m:
            test.assertNotIn(m.group(1), seen_help, f"second HELP for {m.group(1)}")
            seen_help.add(m.group(1))
            family, ftype = m.group(1), None
            continue
        m = TYPE_RE.match(line)
        if m:
            test.assertNotIn(m.group(1), seen_type, f"second TYPE for {m.group(1)}")
            test.assertEqual(m.group(1), family, "TYPE must follow the family's HELP")
            seen_type.add(m.group(1))
            ftype = m.group(2)
            continue
        m = SAMPLE_RE.match(line)
        test.assertIsNotNone(m, f"malformed line: {line!r}")
        name = m.group(1)
        test.assertIsNotNone(ftype, f"sample before TYPE: {line!r}")
        allowed = [family + s for s in SUFFIXES.get(ftype, ("",))]
        test.assertIn(name, allowed, f"sample {name} outside its family {family}")
        key = (name, m.group(2) or "")
        test.assertNotIn(key, series, f"duplicate series {key}")
        series.add(key)
    test.assertEqual(seen_help, seen_type)


def samples(text):
    """{(sample name, frozenset(labels)): value} through prometheus_client's parser."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(parsed, name, **labels):
    """The one sample of `name` whose labels include `labels`, or None."""
    found = [v for (n, ls), v in parsed.items()
             if n == name and set(labels.items()) <= set(ls)]
    if len(found) > 1:
        raise AssertionError(f"several samples of {name} match {labels}")
    return found[0] if found else None


def send_events(port, tag, records):
    s = sender.FluentSender(tag, host="127.0.0.1", port=port, nanosecond_precision=True)
    for r in records:
        assert s.emit("ev", r), s.last_error
    s.close()


class PrometheusTestCase(ShipperTestCase):
    def scrape(self, port, path="/metrics", headers=None):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
        with urllib.request.urlopen(req, timeout=5) as resp:
            self.assertEqual(resp.status, 200)
            self.assertTrue(resp.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            body = resp.read()
            self.last_encoding = resp.headers.get("Content-Encoding")
            if self.last_encoding == "gzip":
                body = gzip.decompress(body)
        text = body.decode("utf-8")
        check_exposition(self, text)
        return text

    def wait_metrics(self, port, predicate, message, timeout=15, path="/metrics"):
        """Scrapes until predicate(parsed samples) holds; returns the last parsed scrape."""
        last = {}

        def ok():
            nonlocal last
            try:
                last = samples(self.scrape(port, path))
            except (urllib.error.URLError, ConnectionError):
                return False
            return predicate(last)

        try:
            wait_until(ok, timeout, interval=0.1, message=message)
        except AssertionError:
            raise AssertionError(f"{message}; last scrape: {sorted(last.items())[:80]}")
        return last


class ForwardMetricsTest(PrometheusTestCase):
    def test_records_buffer_and_retries(self):
        sink = ForwardSink(ack=True)
        self.addCleanup(sink.close)
        in_port, prom_port = free_port(), free_port()
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type prometheus_monitor
  <labels>
    host ${{hostname}}
    fixed "a \\"quoted\\" value"
  </labels>
</source>
<source>
  @type prometheus_output_monitor
</source>
<source>
  @type forward
  @id in_fwd
  bind 127.0.0.1
  port {in_port}
</source>
<match app.**>
  @type forward
  @id out_fwd
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 1s
    retry_wait 3s
  </buffer>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        n = 50
        send_events(in_port, "app.a", [{"i": i, "msg": f"event {i}"} for i in range(n)])
        wait_until(lambda: len(sink.events()) >= n, 15, message="events at the sink")

        out = {"plugin_id": "out_fwd", "type": "forward"}
        s = self.wait_metrics(
            prom_port,
            lambda s: value(s, "fluentd_output_status_emit_records", **out) == n
            and value(s, "fluentd_output_status_write_count", **out) >= 1
            and value(s, "fluentd_output_status_buffer_queue_length", **out) == 0,
            "all records counted and flushed")
        self.assertEqual(value(s, "shipper_input_emit_records_total",
                               plugin_id="in_fwd", type="forward"), n)
        self.assertEqual(value(s, "fluentd_output_status_retry_count", **out), 0)
        self.assertEqual(value(s, "fluentd_output_status_num_errors", **out), 0)
        self.assertEqual(value(s, "fluentd_output_status_retry_wait", **out), 0)
        self.assertGreaterEqual(value(s, "fluentd_output_status_emit_count", **out), 1)
        self.assertEqual(value(s, "fluentd_output_status_rollback_count", **out), 0)
        ratio = value(s, "fluentd_output_status_buffer_available_space_ratio", **out)
        self.assertTrue(0 < ratio <= 100, ratio)
        # prometheus_monitor: its own label set, <labels> first with placeholders expanded.
        import socket
        host = socket.gethostname()
        mon = {"plugin_id": "out_fwd", "plugin_category": "output", "type": "forward",
               "host": host, "fixed": 'a "quoted" value'}
        self.assertEqual(value(s, "fluentd_status_retry_count", **mon), 0)
        self.assertEqual(value(s, "fluentd_status_buffer_queue_length", **mon), 0)
        # Chunk flush latency: at least one flush observed, buckets cumulative up to +Inf.
        count = value(s, "shipper_output_flush_duration_seconds_count", **out)
        self.assertGreaterEqual(count, 1)
        self.assertEqual(value(s, "shipper_output_flush_duration_seconds_bucket", le="+Inf", **out),
                         count)
        buckets = sorted((float(dict(ls)["le"]), v) for (name, ls), v in s.items()
                         if name == "shipper_output_flush_duration_seconds_bucket")
        self.assertEqual([v for _, v in buckets], sorted(v for _, v in buckets))

        # The destination goes away: the buffer holds the records and the output retries.
        sink.close()
        send_events(in_port, "app.a", [{"i": i, "msg": "x" * 100} for i in range(20)])
        s = self.wait_metrics(
            prom_port,
            lambda s: value(s, "fluentd_output_status_retry_count", **out) >= 1
            and value(s, "fluentd_output_status_buffer_total_bytes", **out) > 0,
            "retries and buffered bytes after the destination stopped", timeout=20)
        self.assertEqual(value(s, "fluentd_output_status_emit_records", **out), n + 20)
        self.assertGreaterEqual(value(s, "fluentd_output_status_num_errors", **out), 1)
        self.assertGreater(value(s, "fluentd_output_status_retry_wait", **out), 0)
        self.assertGreaterEqual(value(s, "fluentd_status_retry_count", **mon), 1)
        self.assertGreater(value(s, "fluentd_status_buffer_total_bytes", **mon), 0)
        self.assertGreaterEqual(value(s, "fluentd_output_status_rollback_count", **out), 1)
        # The aggregated path serves the same families (one worker).
        agg = samples(self.scrape(prom_port, "/aggregated_metrics"))
        self.assertIsNotNone(value(agg, "fluentd_output_status_emit_records", **out))
        # An unknown path is not the metrics.
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/nothing", timeout=5)
        self.assertEqual(cm.exception.code, 404)

    def test_gauge_all_false_gives_counters_and_gzip(self):
        in_port, prom_port = free_port(), free_port()
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
  metrics_path /m
  content_encoding gzip
</source>
<source>
  @type prometheus_output_monitor
  gauge_all false
</source>
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<match app.**>
  @type file
  @id out_file
  path {self.tmp}/out
  <buffer>
    flush_mode interval
    flush_interval 1s
  </buffer>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        send_events(in_port, "app.b", [{"i": i} for i in range(7)])
        # prometheus_client names counter samples <family>_total whatever the text says.
        s = self.wait_metrics(
            prom_port, lambda s: value(s, "fluentd_output_status_emit_records_total",
                                       plugin_id="out_file") == 7,
            "records counted", path="/m")
        self.assertEqual(value(s, "fluentd_output_status_rollback_count", plugin_id="out_file"), 0)
        text = self.scrape(prom_port, "/m")
        self.assertEqual(self.last_encoding, "gzip")
        self.assertIn("# TYPE fluentd_output_status_emit_records counter\n", text)
        self.assertIn("# TYPE fluentd_output_status_rollback_count gauge\n", text)
        self.assertIn("# TYPE fluentd_output_status_buffer_queue_length gauge\n", text)
        # Ruby's client does not append _total to counters; dashboards use the bare names.
        self.assertIn("\nfluentd_output_status_emit_records{", text)


class DropCountersTest(PrometheusTestCase):
    def test_no_match_and_parse_errors_by_reason(self):
        in_port, prom_port = free_port(), free_port()
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<filter app.**>
  @type parser
  key_name msg
  <parse>
    @type json
  </parse>
</filter>
<filter quiet.**>
  @type parser
  key_name msg
  emit_invalid_record_to_error false
  <parse>
    @type json
  </parse>
</filter>
<match app.** quiet.**>
  @type null
</match>
<label @ERROR>
  <match **>
    @type null
  </match>
</label>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        before = samples(self.scrape(prom_port))
        base = {r: value(before, "shipper_events_dropped_total", reason=r) for r in
                ("no_match", "parse_error")}
        base_err = value(before, "shipper_events_error_label_total", reason="parse_error")
        self.assertEqual(base, {"no_match": 0, "parse_error": 0})
        self.assertEqual(base_err, 0)
        send_events(in_port, "nowhere.x", [{"i": i} for i in range(4)])
        send_events(in_port, "app.x", [{"msg": "{not json"} for _ in range(3)]
                    + [{"msg": '{"ok": 1}'} for _ in range(5)])
        send_events(in_port, "quiet.x", [{"msg": "nope"} for _ in range(2)])
        s = self.wait_metrics(
            prom_port,
            lambda s: value(s, "shipper_events_dropped_total", reason="no_match") == 4
            and value(s, "shipper_events_error_label_total", reason="parse_error") == 3
            and value(s, "shipper_events_dropped_total", reason="parse_error") == 2,
            "drops counted by reason")
        # Every reason is present, and nothing else was counted.
        reasons = {dict(ls)["reason"]: v for (n, ls), v in s.items()
                   if n == "shipper_events_dropped_total"}
        self.assertIn("buffer_overflow", reasons)
        self.assertEqual(sum(reasons.values()), 6)


class RecordMetricsTest(PrometheusTestCase):
    """The prometheus filter and output with <metric> sections: the records-in / records-out
    counters of Fluentd's monitoring guide, a histogram with record accessor labels."""

    def test_filter_and_output_metrics(self):
        in_port, prom_port = free_port(), free_port()
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<filter company.*>
  @type prometheus
  <metric>
    name fluentd_input_status_num_records_total
    type counter
    desc The total number of incoming records
    <labels>
      tag ${{tag}}
      hostname ${{hostname}}
    </labels>
  </metric>
  <metric>
    name message_foo
    type histogram
    desc The histogram of foo in message.
    key foo
    buckets 1, 10, 100
    <labels>
      part ${{tag_parts[-1]}}
      who $.user.name
    </labels>
  </metric>
</filter>
<match company.*>
  @type copy
  <store>
    @type null
  </store>
  <store>
    @type prometheus
    <metric>
      name fluentd_output_status_num_records_total
      type counter
      desc The total number of outgoing records
      initialized true
      <labels>
        tag ${{tag}}
      </labels>
      <initlabels>
        tag company.none
      </initlabels>
    </metric>
  </store>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        s = samples(self.scrape(prom_port))
        # initialized: the series exists at 0 before any record.
        self.assertEqual(value(s, "fluentd_output_status_num_records_total",
                               tag="company.none"), 0)
        records = [{"foo": v, "user": {"name": 'bob "b"'}} for v in (0, 5, 50, 500)]
        records.append({"foo": "not a number", "user": {"name": "x"}})
        records.append({"bar": 1})
        s2 = sender.FluentSender("company", host="127.0.0.1", port=in_port)
        for r in records:
            assert s2.emit("web", r), s2.last_error
        s2.close()
        import socket
        host = socket.gethostname()
        s = self.wait_metrics(
            prom_port,
            lambda s: value(s, "fluentd_output_status_num_records_total", tag="company.web") == 6,
            "records counted out")
        self.assertEqual(value(s, "fluentd_input_status_num_records_total",
                               tag="company.web", hostname=host), 6)
        who = {"part": "web", "who": 'bob "b"'}
        self.assertEqual(value(s, "message_foo_count", **who), 4)
        self.assertEqual(value(s, "message_foo_sum", **who), 555)
        self.assertEqual(value(s, "message_foo_bucket", le="1", **who), 1)
        self.assertEqual(value(s, "message_foo_bucket", le="10", **who), 2)
        self.assertEqual(value(s, "message_foo_bucket", le="100", **who), 3)
        self.assertEqual(value(s, "message_foo_bucket", le="+Inf", **who), 4)
        p.wait_for_output("failed to instrument a metric")


class BufferDropsTest(PrometheusTestCase):
    """Events the buffer throws away, counted by reason: drop_oldest_chunk when it is full, and
    the whole queue when retry_max_times is reached."""

    def run_dead_destination(self, buffer_conf):
        in_port, prom_port, dead = free_port(), free_port(), free_port()
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<match app.**>
  @type forward
  @id out_dead
  <server>
    host 127.0.0.1
    port {dead}
  </server>
  <buffer>
{buffer_conf}
  </buffer>
</match>
"""
        p = self.start(conf)
        p.wait_for_output("listening port")
        return p, in_port, prom_port

    def test_retry_limit_drops_the_queue(self):
        p, in_port, prom_port = self.run_dead_destination("""
    flush_mode interval
    flush_interval 0.2s
    retry_max_times 1
    retry_wait 0.2s
""")
        send_events(in_port, "app.r", [{"i": i} for i in range(10)])
        s = self.wait_metrics(
            prom_port,
            lambda s: value(s, "shipper_events_dropped_total", reason="retry_limit") == 10,
            "10 events dropped at the retry limit", timeout=20)
        p.wait_for_output("hit limit for retries")
        self.assertEqual(value(s, "shipper_events_dropped_total", reason="buffer_overflow"), 0)

    def test_drop_oldest_chunk_counts_buffer_overflow(self):
        p, in_port, prom_port = self.run_dead_destination("""
    @type memory
    flush_mode interval
    flush_interval 0.2s
    chunk_limit_size 1k
    total_limit_size 4k
    overflow_action drop_oldest_chunk
    retry_forever true
    retry_wait 30s
""")
        sent = 0
        for _ in range(50):
            send_events(in_port, "app.o", [{"i": i, "pad": "x" * 200} for i in range(8)])
            sent += 8
            s = samples(self.scrape(prom_port))
            if value(s, "shipper_events_dropped_total", reason="buffer_overflow") > 0:
                break
        dropped = value(s, "shipper_events_dropped_total", reason="buffer_overflow")
        self.assertGreater(dropped, 0, "no chunk was dropped after 50 bursts")
        self.assertLess(dropped, sent)
        p.wait_for_output("dropping oldest chunk to make space after buffer overflow")


class TailMetricsTest(PrometheusTestCase):
    def test_position_inode_and_unread_bytes(self):
        prom_port = free_port()
        log = os.path.join(self.tmp, "app.log")
        lines = [f'{{"n": {i}, "msg": "line {i}"}}\n' for i in range(30)]
        with open(log, "w") as f:
            f.writelines(lines)
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type prometheus_tail_monitor
  <labels>
    env test
  </labels>
</source>
<source>
  @type tail
  @id in_tail_app
  path {log}
  pos_file {self.tmp}/app.pos
  read_from_head true
  tag app.log
  <parse>
    @type json
  </parse>
</source>
<match app.**>
  @type null
</match>
"""
        self.start(conf)
        size = os.path.getsize(log)
        ino = os.stat(log).st_ino
        lab = {"plugin_id": "in_tail_app", "type": "tail", "path": log}
        s = self.wait_metrics(
            prom_port, lambda s: value(s, "fluentd_tail_file_position", **lab) == size,
            "position at the end of the file", timeout=20)
        self.assertEqual(value(s, "fluentd_tail_file_inode", env="test", **lab), ino)
        self.assertEqual(value(s, "shipper_tail_file_unread_bytes", **lab), 0)
        self.assertEqual(value(s, "shipper_input_emit_records_total",
                               plugin_id="in_tail_app"), 30)
        with open(log, "a") as f:
            f.write('{"n": 30}\n')
        size2 = os.path.getsize(log)
        self.wait_metrics(prom_port,
                          lambda s: value(s, "fluentd_tail_file_position", **lab) == size2
                          and value(s, "shipper_tail_file_unread_bytes", **lab) == 0,
                          "position follows the appended line", timeout=20)


class TailLagTest(PrometheusTestCase):
    def test_unread_bytes_grow_while_the_output_is_blocked(self):
        prom_port, dead = free_port(), free_port()
        log = os.path.join(self.tmp, "big.log")
        with open(log, "w") as f:
            for i in range(2000):
                f.write(f'{{"n": {i}, "pad": "{"y" * 100}"}}\n')
        size = os.path.getsize(log)
        conf = f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {prom_port}
</source>
<source>
  @type tail
  @id in_tail_big
  path {log}
  pos_file {self.tmp}/big.pos
  read_from_head true
  tag big.log
  <parse>
    @type json
  </parse>
</source>
<match big.**>
  @type forward
  <server>
    host 127.0.0.1
    port {dead}
  </server>
  <buffer>
    @type memory
    chunk_limit_size 2k
    total_limit_size 8k
    overflow_action block
    flush_mode interval
    flush_interval 0.2s
    retry_forever true
    retry_wait 30s
  </buffer>
</match>
"""
        self.start(conf)
        lab = {"plugin_id": "in_tail_big", "type": "tail", "path": log}
        # The buffer fills and blocks: in_tail stops short of the end and the lag shows it. Wait
        # until five scrapes in a row agree, so this is the blocked state and not a mid-read one.
        history = []

        def settled(s):
            history.append(value(s, "shipper_tail_file_unread_bytes", **lab))
            last = history[-5:]
            return len(last) == 5 and len(set(last)) == 1 and (last[0] or 0) > 0

        s = self.wait_metrics(prom_port, settled, "unread bytes while the output is blocked",
                              timeout=20)
        unread = value(s, "shipper_tail_file_unread_bytes", **lab)
        self.assertLess(unread, size)
        self.assertGreater(unread, size // 2)
        emitted = value(s, "shipper_input_emit_records_total", plugin_id="in_tail_big")
        self.assertLess(emitted, 2000)
        # Not a snapshot taken mid-read: with the destination down nothing moves any more.
        import time
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            s = samples(self.scrape(prom_port))
            self.assertEqual(value(s, "shipper_tail_file_unread_bytes", **lab), unread)
            time.sleep(0.1)


class PrometheusConfigTest(unittest.TestCase):
    def lint(self, text, tmpdir):
        path = os.path.join(tmpdir, "fluent.conf")
        with open(path, "w") as f:
            f.write(text)
        return run_shipper(["--dry-run", "-c", path])

    def test_tls_and_record_accessor_labels_are_refused(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            r = self.lint("""
<source>
  @type prometheus
  <transport tls>
    cert_path /x
  </transport>
</source>
""", d)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("TLS is not supported by the prometheus input", r.stdout + r.stderr)
            r = self.lint("""
<source>
  @type prometheus_output_monitor
  <labels>
    ns $.kubernetes.namespace
  </labels>
</source>
""", d)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("record accessor syntax is not available in prometheus_output_monitor",
                          r.stdout + r.stderr)
            r = self.lint("""
<source>
  @type prometheus
  port 24231
  metrics_path /metrics
  aggregated_metrics_path /aggregated_metrics
</source>
<source>
  @type prometheus_monitor
  interval 10
  <labels>
    host ${hostname}
  </labels>
</source>
<source>
  @type prometheus_tail_monitor
</source>
""", d)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
