"""in_tail's report as monitor_agent shows it: one entry per watched file whose inode, position and
size match the file on disk and the pos file, and the rotated file while rotate_wait runs."""
import json
import os
import urllib.request

from harness import ShipperTestCase, free_port, wait_until


class TailMonitoringTest(ShipperTestCase):
    def config(self, logs, port):
        return f"""
<source>
  @type tail
  @id tail_in
  path {logs}/*.log
  pos_file {self.tmp}/tail.pos
  tag test.*
  read_from_head true
  refresh_interval 1
  rotate_wait 60
  <parse>
    @type none
  </parse>
</source>
<source>
  @type monitor_agent
  bind 127.0.0.1
  port {port}
</source>
<match test.**>
  @type null
</match>
"""

    def tail_report(self, port):
        try:
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/plugins.json?@id=tail_in", timeout=5) as r:
                plugins = json.load(r)["plugins"]
        except OSError:
            return None
        return plugins[0] if plugins else None

    def pos_entries(self):
        with open(os.path.join(self.tmp, "tail.pos")) as f:
            return {p: int(pos, 16) for p, pos, _ in (l.split("\t") for l in f.read().splitlines())}

    def test_tail_files_match_the_files_and_the_pos_file(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        a, b = os.path.join(logs, "a.log"), os.path.join(logs, "b.log")
        with open(a, "w") as f:
            f.write("one\ntwo\nunfinished")
        with open(b, "w") as f:
            f.write("three\n")
        port = free_port()
        proc = self.start(self.config(logs, port))

        def read_both():
            r = self.tail_report(port)
            if not r or len(r.get("tail_files", [])) != 2:
                return None
            files = {f["path"]: f for f in r["tail_files"]}
            return files if files[a]["pos"] == 8 and files[b]["pos"] == 6 else None

        files = wait_until(read_both, timeout=20,
                           message=f"both files read; stderr:\n{proc.stderr()[-2000:]}")
        pos = self.pos_entries()
        for path in (a, b):
            st = os.stat(path)
            self.assertEqual(files[path]["inode"], st.st_ino)
            self.assertEqual(files[path]["size"], st.st_size)
            self.assertEqual(files[path]["pos"], pos[path])
            self.assertFalse(files[path]["closed"])
        self.assertEqual(files[a]["lag"], len("unfinished"))

        # Rotation: the old file stays listed, closed, until rotate_wait ends.
        old_inode = os.stat(a).st_ino
        os.rename(a, a + ".1")
        with open(a, "w") as f:
            f.write("fresh\n")
        new_inode = os.stat(a).st_ino

        def rotated():
            r = self.tail_report(port)
            if not r:
                return None
            entries = [f for f in r.get("tail_files", []) if f["path"] == a]
            closed = [f for f in entries if f["closed"]]
            current = [f for f in entries if not f["closed"] and f["inode"] == new_inode]
            if len(closed) == 1 and current and current[0]["pos"] == 6:
                return r, closed[0]
            return None

        r, old = wait_until(rotated, timeout=20, message="rotated file reported")
        self.assertEqual(old["inode"], old_inode)
        self.assertEqual(old["pos"], 8)
        self.assertEqual(old["size"], len("one\ntwo\nunfinished"))
        self.assertEqual(r["rotated_file_count"], 1)
        self.assertGreaterEqual(r["opened_file_count"], 3)


if __name__ == "__main__":
    import unittest
    unittest.main()
