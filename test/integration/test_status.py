"""`shipper status` against a running shipper: tailed files and their lag (monitor_agent's
`tail_files`), outputs, and the command's own argument handling."""
import json
import os
import re
import urllib.request

from harness import ShipperTestCase, free_port, run_shipper, wait_until


def plugins(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/plugins.json", timeout=5) as r:
        return json.loads(r.read())["plugins"]


class StatusTest(ShipperTestCase):
    def test_tailed_files_and_outputs(self):
        log = os.path.join(self.tmp, "app.log")
        lines = 120
        with open(log, "w") as f:
            for i in range(lines):
                f.write(json.dumps({"i": i, "msg": f"line {i}"}) + "\n")
        size = os.path.getsize(log)
        mon = free_port()
        conf = f"""
<source>
  @type tail
  @id tail_app
  path {log}
  pos_file {self.tmp}/app.pos
  read_from_head true
  tag app.log
  <parse>
    @type json
  </parse>
</source>
<source>
  @type monitor_agent
  @id mon
  bind 127.0.0.1
  port {mon}
</source>
<match app.**>
  @type file
  @id out_file
  path {self.tmp}/out
  <buffer>
    flush_interval 60s
  </buffer>
</match>
"""
        self.start(conf)

        def tail_report():
            try:
                for p in plugins(mon):
                    if p["plugin_id"] == "tail_app" and p.get("emit_records") == lines:
                        files = p.get("tail_files") or []
                        if files and files[0]["pos"] == size:
                            return p
            except OSError:
                return None
            return None
        tail = wait_until(tail_report, 20, message="tail_app read the whole file")
        f = tail["tail_files"][0]
        self.assertEqual(f["path"], log)
        self.assertEqual(f["inode"], os.stat(log).st_ino)
        self.assertEqual((f["size"], f["lag"], f["closed"]), (size, 0, False))

        r = run_shipper(["status", "--url", f"http://127.0.0.1:{mon}"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, rf"tail_app \(tail\)\s+records in {lines}\b")
        self.assertRegex(r.stdout, rf"{re.escape(log)}\s+pos {size} / size {size}\s+lag 0 B")
        # The output holds the records in its stage until flush_interval: buffered bytes show.
        out = next(p for p in plugins(mon) if p["plugin_id"] == "out_file")
        self.assertEqual(out["emit_records"], lines)
        self.assertRegex(r.stdout, rf"out_file \(file\)\s+records {lines}\s+writes 0\s+"
                                   rf"queued chunks 0\s+buffered {out['buffer_total_queued_size']}")
        self.assertIn("live: yes   ready: yes", r.stdout)

    def test_arguments(self):
        r = run_shipper(["status", "--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--check-ready", r.stdout)
        r = run_shipper(["status", "--bogus"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown argument --bogus", r.stdout)
        r = run_shipper(["status", "--url", "https://127.0.0.1:1"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("only http:// URLs", r.stderr)
        r = run_shipper(["status", "--url", "http://192.0.2.1:24220", "--check-live"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("loopback", r.stderr)
        # Nothing listens: probes fail with a reason, quickly.
        port = free_port()
        r = run_shipper(["status", "--url", f"http://127.0.0.1:{port}", "--check-live",
                         "--timeout", "2"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot reach shipper", r.stderr)
