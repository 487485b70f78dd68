"""File buffer durability with the real binary: kill -9 under load loses no acknowledged event,
a destination that fails for a while gets everything once it recovers, and a buffer directory
left by Fluentd 1.18 is resumed and shipped."""
import glob
import json
import os
import shutil
import signal
import socket
import threading
import time
import unittest

import msgpack

from harness import FIXTURES, SOURCE_DIR, ShipperTestCase, free_port, wait_until

FIXTURE_BUFFER = os.path.join(SOURCE_DIR, "test", "fixtures", "buffer", "fluentd-1.18-buffer")


def packed_forward(tag, batch_no, count, token):
    now = int(time.time())
    entries = b"".join(msgpack.packb([now, {"b": batch_no, "i": i, "pad": "x" * 40}])
                       for i in range(count))
    return msgpack.packb([tag, entries, {"size": count, "chunk": token}], use_bin_type=True)


class AckedSender:
    """Sends PackedForward batches with an ack token each; remembers which were acknowledged."""

    def __init__(self, port):
        self.port = port
        self.acked = []
        self.error = None

    def connect(self, timeout=10.0):
        def try_connect():
            try:
                return socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                return None
        return wait_until(try_connect, timeout, message=f"in_forward on port {self.port}")

    def send(self, batches, per_batch, tag="load.a", start=0):
        sock = self.connect()
        unpacker = msgpack.Unpacker(raw=False)
        try:
            for b in range(start, start + batches):
                token = f"tok-{b}"
                sock.sendall(packed_forward(tag, b, per_batch, token))
                reply = None
                deadline = time.monotonic() + 30
                while reply is None:
                    if time.monotonic() > deadline:
                        raise TimeoutError("no ack")
                    data = sock.recv(4096)
                    if not data:
                        raise ConnectionError("connection closed")
                    unpacker.feed(data)
                    for obj in unpacker:
                        reply = obj
                if reply.get("ack") != token:
                    raise AssertionError(f"unexpected ack {reply!r}")
                self.acked.append(b)
        except (OSError, ConnectionError, TimeoutError) as e:
            self.error = e
        finally:
            sock.close()


class RawForwardSink:
    """Accepts forward connections and keeps the frames: [tag, entries (str/bin), options]."""

    def __init__(self):
        self.lock = threading.Lock()
        self.frames = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(10)
        unpacker = msgpack.Unpacker(raw=True)
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                unpacker.feed(data)
                for obj in unpacker:
                    with self.lock:
                        self.frames.append(obj)
        except OSError:
            pass
        finally:
            conn.close()

    def events(self):
        with self.lock:
            frames = list(self.frames)
        out = []
        for tag, entries, _opts in frames:
            out += [(tag.decode(), e) for e in msgpack.Unpacker(__import__("io").BytesIO(entries), raw=False,
                                                                 ext_hook=lambda c, d: (c, d))]
        return out

    def close(self):
        self._stop = True
        self.sock.close()


def read_records(out_dir):
    records = []
    for path in glob.glob(os.path.join(out_dir, "**", "*.log"), recursive=True):
        with open(path, "rb") as f:
            for line in f:
                if line.endswith(b"\n"):
                    records.append(json.loads(line))
    return records


def file_config(port, out_path, buf_path, extra_buffer=""):
    return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {port}
</source>
<match load.**>
  @type file
  path {out_path}
  append true
  <format>
    @type json
  </format>
  <buffer>
    @type file
    path {buf_path}
    flush_mode interval
    flush_interval 1s
    flush_thread_burst_interval 0
    chunk_limit_records 5000
{extra_buffer}
  </buffer>
</match>
"""


class BufferDurabilityTest(ShipperTestCase):
    def test_kill_9_under_load_loses_no_acknowledged_event(self):
        port = free_port()
        out_dir = os.path.join(self.tmp, "out")
        conf = file_config(port, os.path.join(out_dir, "records"), os.path.join(self.tmp, "buf"))
        first = self.start(conf, name="run1")
        sender = AckedSender(port)
        per_batch, batches = 1000, 200
        t = threading.Thread(target=sender.send, args=(batches, per_batch), daemon=True)
        t.start()
        # Kill while events are flowing: once about half of them were acknowledged.
        wait_until(lambda: len(sender.acked) >= batches // 2 or not t.is_alive(), 120,
                   message="half of the batches acknowledged")
        self.assertTrue(t.is_alive(), f"sender finished early: {sender.error!r}")
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
        t.join(timeout=60)
        acked = set(sender.acked)
        self.assertGreaterEqual(len(acked), batches // 2)

        second = self.start(conf, name="run2")
        expected = {(b, i) for b in acked for i in range(per_batch)}

        def all_present():
            got = {(r["b"], r["i"]) for r in read_records(out_dir)}
            return expected <= got
        wait_until(all_present, 120, interval=0.5,
                   message=f"every acknowledged event in the output; log:\n{second.stdout()[-3000:]}")
        records = read_records(out_dir)
        keys = [(r["b"], r["i"]) for r in records]
        duplicates = len(keys) - len(set(keys))
        # At-least-once: duplicates only for chunks in flight at the kill (1 flush thread, and
        # chunks hold at most 5000 records).
        self.assertLessEqual(duplicates, 5000)
        self.assertEqual(second.stop(), 0)

    def test_destination_failing_for_a_while_gets_everything(self):
        port = free_port()
        blocked = os.path.join(self.tmp, "blocked")
        with open(blocked, "w") as f:
            f.write("a file where the output directory should be\n")
        out_dir = os.path.join(blocked, "out")
        conf = file_config(port, os.path.join(out_dir, "records"), os.path.join(self.tmp, "buf"),
                           "    retry_wait 0.2\n    retry_max_interval 1\n    retry_randomize false")
        proc = self.start(conf)
        sender = AckedSender(port)
        sender.send(20, 250)
        self.assertIsNone(sender.error)
        proc.wait_for_output("failed to flush the buffer. retry_times=1", timeout=30)
        self.assertIn('error_class=Errno::ENOTDIR', proc.stdout())
        os.remove(blocked)
        expected = {(b, i) for b in range(20) for i in range(250)}
        wait_until(lambda: {(r["b"], r["i"]) for r in read_records(out_dir)} == expected, 60,
                   interval=0.2, message="all events after recovery")
        proc.wait_for_output("retry succeeded. chunk_id=", timeout=10)
        self.assertEqual(len(read_records(out_dir)), len(expected))
        self.assertEqual(proc.stop(), 0)

    def test_buffer_directory_left_by_fluentd_is_resumed_and_shipped(self):
        buf = os.path.join(self.tmp, "buf")
        shutil.copytree(FIXTURE_BUFFER, buf)
        sink = RawForwardSink()
        self.addCleanup(sink.close)
        conf = f"""
<source>
  @type forward
  bind 127.0.0.1
  port {free_port()}
</source>
<match kubernetes.**>
  @type forward
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer tag,time>
    @type file
    path {buf}
    timekey 3600
    timekey_wait 0s
    flush_mode interval
    flush_interval 1s
    flush_thread_burst_interval 0
  </buffer>
</match>
"""
        proc = self.start(conf)
        try:
            wait_until(lambda: len(sink.events()) >= 5, 30, interval=0.1,
                       message="5 resumed events at the sink")
        except AssertionError:
            raise AssertionError(f"sink got {sink.events()!r}\n"
                                 f"log:\n{proc.stdout()[-3000:]}\n{proc.stderr()[-2000:]}")
        events = sink.events()
        self.assertEqual(len(events), 5)
        self.assertEqual(len(sink.frames), 4)  # one frame per resumed chunk
        tags = sorted({tag for tag, _ in events})
        self.assertEqual(len(tags), 2)
        self.assertTrue(all(t.startswith("kubernetes.var.log.containers.") for t in tags))
        # Each frame carries exactly the bytes of a fixture chunk file.
        fixture_chunks = sorted(open(p, "rb").read() for p in glob.glob(os.path.join(FIXTURE_BUFFER, "*.log")))
        with sink.lock:
            sent = sorted(f[1] for f in sink.frames)
        self.assertEqual(sent, fixture_chunks)
        wait_until(lambda: not glob.glob(os.path.join(buf, "*.log")), 10, message="chunks deleted after sending")
        self.assertEqual(proc.stop(), 0)


if __name__ == "__main__":
    unittest.main()
