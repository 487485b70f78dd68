"""in_tail watching 1,000 files: every line arrives once, and the idle process stays cheap
(an acceptance criterion for the watch loop, not a benchmark)."""
import collections
import os
import re
import time

from harness import ShipperTestCase, wait_until

LINE_RE = re.compile(r'"message":"(f\d{4}-l\d)"')
FILES = 1000
LINES = 3


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TailManyFilesTest(ShipperTestCase):
    def test_thousand_files_every_line_once_then_idle_cpu_is_low(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        for i in range(FILES):
            with open(os.path.join(logs, f"f{i:04d}.log"), "w") as f:
                for l in range(LINES):
                    f.write(f"f{i:04d}-l{l}\n")
        expected = {f"f{i:04d}-l{l}" for i in range(FILES) for l in range(LINES)}
        proc = self.start(f"""
<source>
  @type tail
  path {logs}/*.log
  pos_file {self.tmp}/pos/tail.pos
  tag many.*
  read_from_head true
  refresh_interval 2
  <parse>
    @type none
  </parse>
</source>
<match many.**>
  @type stdout
</match>
""")
        wait_until(lambda: set(LINE_RE.findall(proc.stdout())) >= expected, timeout=120,
                   message=f"all lines; stderr:\n{proc.stderr()[-2000:]}")
        c = collections.Counter(LINE_RE.findall(proc.stdout()))
        self.assertEqual([k for k, v in c.items() if v > 1][:5], [], "duplicated lines")
        self.assertEqual(set(c), expected)
        # Idle: nothing is written; measure the process CPU over 5 seconds of wall time.
        pid = proc.proc.pid
        before = cpu_seconds(pid)
        start = time.monotonic()
        deadline = start + 5.0
        while time.monotonic() < deadline:  # bounded: 5 s of wall time
            time.sleep(0.2)
        used = cpu_seconds(pid) - before
        elapsed = time.monotonic() - start
        share = used / elapsed
        self.assertLess(share, 0.05, f"idle CPU {share:.1%} of one core watching {FILES} files")
        # Still following: one more line in the last file arrives.
        with open(os.path.join(logs, f"f{FILES - 1:04d}.log"), "a") as f:
            f.write(f"f{FILES - 1:04d}-l9\n")
        proc.wait_for_output(f'"f{FILES - 1:04d}-l9"', timeout=20)
        self.assertTrue(proc.alive())
