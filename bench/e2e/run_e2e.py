#!/usr/bin/env python3
"""End-to-end benchmark (design.md "Performance budget"): N docker json-file lines → in_tail →
json with nanosecond time → record_transformer adding one key → out_forward → a loopback sink.

The sink is a small python forward listener that reads each PackedForward frame's header and
option map only (it sums `size`) and skips the entries as they arrive, so it costs little, never
decodes events and keeps up with the shipper. Reported for the shipping process: wall time to
deliver every event, events/s, CPU seconds (utime+stime from /proc/<pid>/stat, also apart with
the minor page faults) and peak RSS (VmHWM). The lines are the generator's `design` size (~280
bytes, as design.md's anchors) unless --size short.

    /usr/bin/python3 bench/e2e/run_e2e.py --shipper build/shipper --lines 1000000

With --metrics the config also has the Prometheus inputs (prometheus, prometheus_output_monitor,
prometheus_tail_monitor) and /metrics is scraped once a second during the run, to measure what
metric collection costs the data path.
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from process_stats import cpu_seconds, cpu_split, free_port, status_kib  # noqa: E402

GEN = os.path.join(HERE, "..", "gen_docker_logs.py")


class CountingSink:
    def __init__(self):
        self.count = 0
        self.frames = 0
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        # Each frame's entries are skipped as they arrive, read over one buffer again and
        # again: a sink that held whole frames (a fresh 1 MiB object per recv) fell behind the
        # shipper, and the shipper's CPU then included the memory of that backlog.
        buf = bytearray(1 << 22)
        view = memoryview(buf)
        start = end = 0
        skip = 0  # bytes of the current frame's entries not seen yet
        want_options = False
        with conn:
            while True:
                if skip:
                    if start == end:
                        start = end = 0
                        n = conn.recv_into(view, min(skip, len(buf)))
                        if not n:
                            return
                        skip -= n
                    else:
                        take = min(skip, end - start)
                        start += take
                        skip -= take
                    continue
                if want_options:
                    used = self.take_options(buf, start, end)
                    if used:
                        start += used
                        want_options = False
                        continue
                else:
                    header = self.take_header(buf, start, end)
                    if header:
                        start += header[0]
                        skip = header[1]
                        want_options = True
                        continue
                # An incomplete header or option map (a few hundred bytes): to the front, then
                # read more behind it.
                buf[0:end - start] = buf[start:end]
                end -= start
                start = 0
                n = conn.recv_into(view[end:])
                if not n:
                    return
                end += n

    @staticmethod
    def take_header(buf, start, end):
        """(header length, entries length) of the frame at start, or None if incomplete."""
        if end - start < 2:
            return None
        b = buf[start + 1]
        if 0xa0 <= b <= 0xbf:
            tl, th = b & 0x1f, 1
        elif b == 0xd9:
            if end - start < 3:
                return None
            tl, th = buf[start + 2], 2
        else:
            if end - start < 4:
                return None
            tl, th = struct.unpack_from(">H", buf, start + 2)[0], 3
        pos = start + 1 + th + tl  # the entries' str/bin header
        if end < pos + 5:
            return None
        sizes = {0xc4: (">B", 1), 0xc5: (">H", 2), 0xc6: (">I", 4),
                 0xd9: (">B", 1), 0xda: (">H", 2), 0xdb: (">I", 4)}
        fmt, width = sizes[buf[pos]]
        elen = struct.unpack_from(fmt, buf, pos + 1)[0]
        return pos + 1 + width - start, elen

    def take_options(self, buf, start, end):
        """Counts the option map's `size` at start; returns its length, or 0 if incomplete."""
        unp = msgpack.Unpacker(raw=False)
        unp.feed(bytes(buf[start:min(end, start + 256)]))
        try:
            options = unp.unpack()
        except msgpack.OutOfData:
            return 0
        with self.lock:
            self.count += options["size"]
            self.frames += 1
        return unp.tell()


class Scraper:
    """Fetches /metrics every `interval` seconds, as a Prometheus server would, until stopped."""

    def __init__(self, port, interval):
        self.interval = interval
        self.url = f"http://127.0.0.1:{port}/metrics"
        self.ok = self.failed = self.last_bytes = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.wait(self.interval):
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    self.last_bytes = len(r.read())
                self.ok += 1
            except OSError:
                self.failed += 1

    def stop(self):
        self.done.set()
        self.thread.join(10)


def proc_stats(pid):
    """CPU seconds and peak RSS (KiB) of the process."""
    return cpu_seconds(pid), status_kib(pid, "VmHWM")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shipper", required=True)
    ap.add_argument("--lines", type=int, default=1000000)
    ap.add_argument("--size", choices=["design", "short"], default="design",
                    help="line size of the generator: design (~280 bytes, design.md's workload) "
                         "or short (150-250 bytes)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--metrics", action="store_true",
                    help="add the Prometheus inputs and scrape /metrics every second")
    ap.add_argument("--scrape-interval", type=float, default=1.0,
                    help="seconds between scrapes with --metrics")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="shipper-e2e-") as tmp:
        log = os.path.join(tmp, "docker.log")
        with open(log, "w") as f:
            subprocess.run([sys.executable, GEN, "--lines", str(args.lines), "--seed", "1",
                            "--size", args.size], stdout=f, check=True)
        sink = CountingSink()
        conf = os.path.join(tmp, "bench.conf")
        metrics_port = free_port() if args.metrics else 0
        with open(conf, "w") as f:
            if args.metrics:
                f.write(f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {metrics_port}
</source>
<source>
  @type prometheus_output_monitor
</source>
<source>
  @type prometheus_tail_monitor
</source>
""")
            f.write(f"""
<source>
  @type tail
  path {log}
  pos_file {tmp}/bench.pos
  tag bench.docker
  read_from_head true
  <parse>
    @type json
    time_key time
    time_format %Y-%m-%dT%H:%M:%S.%N%z
  </parse>
</source>
<filter bench.**>
  @type record_transformer
  <record>
    nodename node-1
  </record>
</filter>
<match bench.**>
  @type forward
  heartbeat_type none
  <server>
    host 127.0.0.1
    port {sink.port}
  </server>
  <buffer>
    chunk_limit_size 4m
    flush_mode interval
    flush_interval 1s
    flush_thread_burst_interval 0
  </buffer>
</match>
""")
        out = open(os.path.join(tmp, "shipper.out"), "wb")
        t0 = time.monotonic()
        p = subprocess.Popen([args.shipper, "-c", conf, "--no-supervisor"], stdout=out,
                             stderr=subprocess.STDOUT)
        scraper = Scraper(metrics_port, args.scrape_interval) if args.metrics else None
        try:
            deadline = t0 + args.timeout
            while sink.count < args.lines and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.05)
            elapsed = time.monotonic() - t0
            cpu, hwm = proc_stats(p.pid) if p.poll() is None else (float("nan"), 0)
            user, system, faults = cpu_split(p.pid) if p.poll() is None else (0, 0, 0)
        finally:
            if scraper:
                scraper.stop()
            p.terminate()
            p.wait(30)
            out.close()
        ok = sink.count >= args.lines
        print(f"events delivered: {sink.count}/{args.lines} in {sink.frames} frames "
              f"({'complete' if ok else 'INCOMPLETE'})")
        print(f"wall: {elapsed:.2f} s  events/s: {sink.count / elapsed:,.0f}")
        print(f"shipping process CPU: {cpu:.2f} s  peak RSS (VmHWM): {hwm / 1024:.1f} MiB")
        print(f"  user {user:.2f} s  system {system:.2f} s  minor page faults {faults}")
        if scraper:
            print(f"metrics scrapes: {scraper.ok} ok, {scraper.failed} failed, "
                  f"last body {scraper.last_bytes} bytes")
        if not ok:
            with open(os.path.join(tmp, "shipper.out"), "rb") as f:
                sys.stdout.write(f.read()[-3000:].decode("utf-8", "replace"))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
