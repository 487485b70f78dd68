"""in_tail parameters beyond the basics: periodic pos file compaction, follow_inodes,
read_bytes_limit_per_second, open_on_every_update, from_encoding/encoding."""
import collections
import os
import re
import time

from harness import ShipperTestCase, wait_until

LINE_RE = re.compile(r'"message":"(line-\d+)')


def config(tmp, path, extra="", pos=True):
    pos_line = f"pos_file {tmp}/pos/tail.pos" if pos else ""
    return f"""
<source>
  @type tail
  path {path}
  {pos_line}
  tag test.*
  read_from_head true
  refresh_interval 1
  rotate_wait 1
  {extra}
  <parse>
    @type none
  </parse>
</source>
<match test.**>
  @type stdout
</match>
"""


def counts(text):
    return collections.Counter(LINE_RE.findall(text))


def write_lines(path, start, count, mode="a"):
    with open(path, mode) as f:
        for n in range(start, start + count):
            f.write(f"line-{n:07d}\n")


class TailOptionsTest(ShipperTestCase):
    def pos_text(self):
        try:
            with open(os.path.join(self.tmp, "pos", "tail.pos")) as f:
                return f.read()
        except OSError:
            return ""

    def assert_exactly(self, proc, expected, timeout=60):
        wait_until(lambda: set(counts(proc.stdout())) >= expected, timeout=timeout,
                   message=f"{len(expected)} lines emitted; stderr:\n{proc.stderr()[-2000:]}")
        c = counts(proc.stdout())
        self.assertEqual([k for k, v in c.items() if v > 1][:5], [], "duplicated lines")
        self.assertEqual(set(c), expected)

    def test_pos_file_compaction_interval_drops_unwatched_entries(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        for name in ("a", "b", "c"):
            write_lines(os.path.join(logs, f"{name}.log"), 0, 1, "w")
        proc = self.start(config(self.tmp, f"{logs}/*.log", "pos_file_compaction_interval 1s"))
        wait_until(lambda: self.pos_text().count("\n") == 3, timeout=20, message="3 entries")
        os.unlink(os.path.join(logs, "b.log"))
        # b.log leaves the target set, is unwatched after rotate_wait, then compacted away.
        wait_until(lambda: "b.log" not in self.pos_text(), timeout=30,
                   message=f"b.log compacted away; pos file:\n{self.pos_text()}")
        text = self.pos_text()
        self.assertNotIn("ffffffffffffffff", text)
        self.assertEqual(sorted(l.split("\t")[0] for l in text.splitlines()),
                         [f"{logs}/a.log", f"{logs}/c.log"])
        # The survivors are still updated in place at their new offsets.
        write_lines(os.path.join(logs, "c.log"), 1, 1)
        size = os.path.getsize(os.path.join(logs, "c.log"))
        wait_until(lambda: f"{logs}/c.log\t{size:016x}\t" in self.pos_text(), timeout=20,
                   message=f"c.log at {size}; pos file:\n{self.pos_text()}")
        self.assertEqual(self.pos_text().count("\n"), 2)
        self.assertEqual(proc.stop(), 0)

    def test_follow_inodes_reads_rotated_files_matching_the_glob_once(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        path = os.path.join(logs, "app.log")
        write_lines(path, 0, 100, "w")
        proc = self.start(config(self.tmp, f"{logs}/app.log*", "follow_inodes true"))
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(100)})
        total = 100
        for rotation in range(1, 4):
            os.rename(path, f"{path}.{rotation}" if rotation == 1 else f"{path}.r{rotation}")
            write_lines(path, total, 50, "w")
            total += 50
            # wait beyond refresh_interval + rotate_wait so the rotated file is found by a refresh
            self.assert_exactly(proc, {f"line-{n:07d}" for n in range(total)})
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline:  # bounded: lets two refreshes run
                time.sleep(0.1)
            self.assert_exactly(proc, {f"line-{n:07d}" for n in range(total)})
        # Lines appended to a rotated file that the glob still matches are read, once.
        write_lines(f"{path}.1", total, 20)
        total += 20
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(total)})
        self.assertEqual(proc.stop(), 0)
        # One pos line per inode.
        inodes = [l.split("\t")[2] for l in self.pos_text().splitlines()]
        self.assertEqual(len(inodes), len(set(inodes)))

    def test_follow_inodes_restart_resumes_by_inode(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        path = os.path.join(logs, "app.log")
        write_lines(path, 0, 30, "w")
        conf = config(self.tmp, f"{logs}/app.log*", "follow_inodes true")
        first = self.start(conf, name="first")
        self.assert_exactly(first, {f"line-{n:07d}" for n in range(30)})
        self.assertEqual(first.stop(), 0)
        # Rotated while down: the old inode, now app.log.1, resumes at its offset.
        os.rename(path, f"{path}.1")
        write_lines(f"{path}.1", 30, 10)
        write_lines(path, 40, 10, "w")
        second = self.start(conf, name="second")
        self.assert_exactly(second, {f"line-{n:07d}" for n in range(30, 50)})

    def test_read_bytes_limit_per_second_throttles_each_file(self):
        path = os.path.join(self.tmp, "big.log")
        write_lines(path, 0, 4000, "w")  # 52 KB: at 8 KiB per second at least 6 seconds
        proc = self.start(config(self.tmp, path, "read_bytes_limit_per_second 8192"))
        proc.wait_for_output("line-0000000", timeout=20)
        first = time.monotonic()
        wait_until(lambda: len(counts(proc.stdout())) >= 2000, timeout=60, message="half")
        self.assertGreater(time.monotonic() - first, 2.0, "half the file read without throttling")
        self.assertLess(len(counts(proc.stdout())), 4000)
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(4000)})

    def test_open_on_every_update_keeps_no_descriptor_open(self):
        path = os.path.join(self.tmp, "app.log")
        write_lines(path, 0, 10, "w")
        proc = self.start(config(self.tmp, path, "open_on_every_update true"))
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(10)})

        def holds_file():
            fd_dir = f"/proc/{proc.proc.pid}/fd"
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(os.path.join(fd_dir, fd)) == path:
                        return True
                except OSError:
                    pass
            return False

        wait_until(lambda: not holds_file(), timeout=10, message="file closed between updates")
        write_lines(path, 10, 10)
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(20)})
        # Rotation switches to the new file at once.
        os.rename(path, path + ".1")
        write_lines(path, 20, 10, "w")
        self.assert_exactly(proc, {f"line-{n:07d}" for n in range(30)})
        self.assertFalse(holds_file())

    def test_from_encoding_transcodes_lines(self):
        path = os.path.join(self.tmp, "latin1.log")
        with open(path, "wb") as f:
            f.write("café line-0000000\n".encode("latin-1"))
            f.write(b"bad \xff line-0000001\n")
        proc = self.start(config(self.tmp, path, "from_encoding ISO-8859-1\n  encoding UTF-8"))
        proc.wait_for_output("line-0000001", timeout=20)
        out = proc.stdout()
        self.assertIn("café line-0000000", out)
        self.assertIn("bad ÿ line-0000001", out)  # 0xFF is ÿ in Latin-1

    def test_invalid_sequences_are_replaced(self):
        path = os.path.join(self.tmp, "utf8.log")
        with open(path, "wb") as f:
            f.write(b"ok \xc3\xa9 line-0000000\n")
            f.write(b"bad \xff\xfe line-0000001\n")
        proc = self.start(config(self.tmp, path, "from_encoding UTF-8\n  encoding UTF-8"))
        proc.wait_for_output("line-0000001", timeout=20)
        out = proc.stdout()
        self.assertIn("ok é line-0000000", out)
        self.assertIn("bad \ufffd\ufffd line-0000001", out)

    def test_unknown_encoding_is_a_configuration_error(self):
        from harness import run_shipper
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write(config(self.tmp, os.path.join(self.tmp, "x.log"),
                           "from_encoding no-such-enc\n  encoding UTF-8"))
        r = run_shipper(["--dry-run", "-c", conf])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no-such-enc", r.stdout + r.stderr)

    def test_path_timezone_expands_strftime_in_that_zone(self):
        logs = os.path.join(self.tmp, "logs")
        os.mkdir(logs)
        # A zone whose hour differs from the process's local hour.
        local_offset = time.localtime().tm_gmtoff
        offset = 9 * 3600 if local_offset != 9 * 3600 else -3 * 3600
        for zone in ("+09:00" if offset > 0 else "-03:00",
                     "Asia/Tokyo" if offset > 0 else "America/Sao_Paulo"):
            with self.subTest(zone=zone):
                now = time.time()
                zoned = time.strftime("%Y%m%d-%H", time.gmtime(now + offset)) + ".log"
                local = time.strftime("%Y%m%d-%H", time.localtime(now)) + ".log"
                self.assertNotEqual(zoned, local)
                write_lines(os.path.join(logs, zoned), 1, 1, "w")
                write_lines(os.path.join(logs, local), 2, 1, "w")
                try:
                    os.unlink(os.path.join(self.tmp, "pos", "tail.pos"))
                except OSError:
                    pass
                proc = self.start(config(self.tmp, f"{logs}/%Y%m%d-%H.log",
                                         f"path_timezone {zone}"))
                proc.wait_for_output("line-0000001", timeout=20)
                # Both files exist; the refresh that found one would have found the other.
                self.assertIn(f"{logs}/{zoned}\t", self.pos_text())
                self.assertNotIn(local, self.pos_text())
                self.assertNotIn("line-0000002", proc.stdout())
                proc.stop()
                if time.strftime("%H", time.gmtime(time.time() + offset)) != zoned[-6:-4]:
                    self.skipTest("the hour changed during the test")

    def test_unsupported_path_timezone_is_a_configuration_error(self):
        from harness import run_shipper
        conf = os.path.join(self.tmp, "bad.conf")
        with open(conf, "w") as f:
            f.write(config(self.tmp, os.path.join(self.tmp, "%H.log"), "path_timezone JST"))
        r = run_shipper(["--dry-run", "-c", conf])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Unsupported timezone 'JST'", r.stdout + r.stderr)
