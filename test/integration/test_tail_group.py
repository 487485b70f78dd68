"""in_tail <group> throttling: the files of a group share `limit` lines per rate_period; lines over
the limit wait for the next period (nothing dropped, nothing duplicated), and the pos file only
moves past lines that were emitted."""
import bisect
import collections
import datetime
import os
import re

from harness import ShipperTestCase, wait_until
# out_stdout: "2026-11-24 18:59:30.055525723 +0000 test.x: {"message":"web1-0000001"}"
EVENT_RE = re.compile(
    r'^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d{9}) ([+-]\d{4}) \S+: \{"message":"([a-z]+\d)-(\d+)"',
    re.M)
LINE_BYTES = len("web1-0000000\n")


def events(text):
    """(seconds since the epoch, file name, line number) of each event printed."""
    out = []
    for stamp, nanos, zone, name, n in EVENT_RE.findall(text):
        t = datetime.datetime.strptime(stamp + zone, "%Y-%m-%d %H:%M:%S%z").timestamp()
        out.append((t + int(nanos) / 1e9, name, int(n)))
    return out


def write_lines(path, name, count):
    with open(path, "w") as f:
        for n in range(count):
            f.write(f"{name}-{n:07d}\n")


class TailGroupTest(ShipperTestCase):
    LIMIT = 20
    PERIOD = 2  # seconds ("2.0s" would be 0 s: Fluentd reads the digits before "s")
    LINES = 30  # per file: three periods' worth for each of the two web files

    def config(self, logs):
        return f"""
<source>
  @type tail
  path {logs}/*.log
  pos_file {self.tmp}/pos/tail.pos
  tag test.*
  read_from_head true
  refresh_interval 60
  <parse>
    @type none
  </parse>
  <group>
    pattern /\\/(?<app>[a-z]+)\\d\\.log$/
    rate_period {self.PERIOD}s
    <rule>
      match {{"app": "/web/"}}
      limit {self.LIMIT}
    </rule>
  </group>
</source>
<match test.**>
  @type stdout
</match>
"""

    def pos_offsets(self):
        try:
            with open(os.path.join(self.tmp, "pos", "tail.pos")) as f:
                text = f.read()
        except OSError:
            return {}
        out = {}
        for line in text.splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                out[os.path.basename(parts[0])] = int(parts[1], 16)
        return out

    def test_group_limit_is_shared_by_its_files_and_nothing_is_lost(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        for name in ("web1", "web2", "other1"):
            write_lines(os.path.join(logs, f"{name}.log"), name, self.LINES)
        proc = self.start(self.config(logs))
        total = 3 * self.LINES

        # While throttled, the pos file never runs ahead of what was emitted.
        def check_pos_behind_output():
            pos = self.pos_offsets()  # read before the output: the output can only be ahead
            emitted = collections.Counter(name for _, name, _ in events(proc.stdout()))
            for name in ("web1", "web2"):
                self.assertLessEqual(pos.get(f"{name}.log", 0), emitted[name] * LINE_BYTES,
                                     f"{name}: pos file ahead of the emitted lines")
            return len(events(proc.stdout())) >= total

        wait_until(check_pos_behind_output, timeout=60,
                   message=f"{total} lines; stderr:\n{proc.stderr()[-2000:]}")
        evs = events(proc.stdout())
        # Exactly once, in order per file.
        for name in ("web1", "web2", "other1"):
            numbers = [n for _, f, n in evs if f == name]
            self.assertEqual(numbers, list(range(self.LINES)), f"{name}: lines lost or repeated")

        web = sorted(t for t, f, _ in evs if f.startswith("web"))
        # No more than LIMIT lines of the group in any half period (a period starts with a burst
        # of each file's share; the next burst is a whole period later).
        for i, t in enumerate(web):
            in_window = bisect.bisect_left(web, t + self.PERIOD / 2) - i
            self.assertLessEqual(in_window, self.LIMIT,
                                 f"{in_window} group lines within {self.PERIOD / 2}s of {t}")
        # Each file gets LIMIT / 2 per period: 30 lines take three periods, so two period gaps.
        for name in ("web1", "web2"):
            times = [t for t, f, _ in evs if f == name]
            self.assertGreaterEqual(times[-1] - times[0], 2 * self.PERIOD - 0.3,
                                    f"{name} was not throttled")
        # The file outside the group is not throttled: all of it within the first period.
        other = [t for t, f, _ in evs if f == "other1"]
        self.assertLess(other[-1] - web[0], self.PERIOD)
        # In the end the pos file records every file as fully read.
        sizes = {f"{n}.log": os.path.getsize(os.path.join(logs, f"{n}.log"))
                 for n in ("web1", "web2", "other1")}
        wait_until(lambda: self.pos_offsets() == sizes, timeout=20,
                   message=f"pos file at the end: {self.pos_offsets()}, sizes {sizes}")

    def test_group_without_rule_is_a_configuration_error(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        conf = self.config(logs)
        conf = re.sub(r"<rule>.*?</rule>", "", conf, flags=re.S)
        conf_path = os.path.join(self.tmp, "bad.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        from harness import run_shipper
        r = run_shipper(["--dry-run", "-c", conf_path])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("'<rule>' sections are required", r.stdout + r.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
