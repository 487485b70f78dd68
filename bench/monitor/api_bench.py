#!/usr/bin/env python3
"""Cost of monitor_agent's /api/plugins.json: starts shipper with monitor_agent, a sample input
at 100 events/s and N null outputs, then sends GET requests over keep-alive connections and prints
requests/s and the shipper process's CPU time for them.

    python3 bench/monitor/api_bench.py --shipper build/shipper [--outputs 50] [--requests 2000]
"""
import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from process_stats import cpu_seconds, free_port  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shipper", default="build/shipper")
    ap.add_argument("--outputs", type=int, default=50)
    ap.add_argument("--requests", type=int, default=2000)
    a = ap.parse_args()
    port = free_port()
    conf = f"<source>\n  @type monitor_agent\n  bind 127.0.0.1\n  port {port}\n</source>\n" \
           "<source>\n  @type sample\n  tag t.0\n  rate 100\n</source>\n"
    for i in range(a.outputs):
        conf += f"<match t.{i}>\n  @type null\n  <buffer>\n    flush_interval 1s\n" \
                "  </buffer>\n</match>\n"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "bench.conf")
        with open(path, "w") as f:
            f.write(conf)
        proc = subprocess.Popen([a.shipper, "-c", path, "-q"], stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            c = http.client.HTTPConnection("127.0.0.1", port)
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            size = 0
            for _ in range(a.requests):
                c.request("GET", "/api/plugins.json")
                r = c.getresponse()
                size = len(r.read())
                assert r.status == 200
            dt, cpu = time.monotonic() - t0, cpu_seconds(proc.pid) - cpu0
            print(f"{a.requests} GET /api/plugins.json, {a.outputs + 2} plugins, body {size} B: "
                  f"{a.requests / dt:.0f} req/s, shipper CPU {cpu:.2f} s "
                  f"({cpu / a.requests * 1e6:.0f} us/request)")
        finally:
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    main()
