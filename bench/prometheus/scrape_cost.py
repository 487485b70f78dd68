#!/usr/bin/env python3
"""CPU one /metrics scrape costs the shipping process: shipper tails --files small files into
out_forward (destination down, so the buffer and retry metrics are live) with the prometheus
input and the three monitor inputs; --scrapes requests are made back to back and the process's
utime+stime before and after is compared.

    /usr/bin/python3 bench/prometheus/scrape_cost.py --shipper build/shipper
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from process_stats import cpu_seconds, free_port  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shipper", required=True)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--scrapes", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="shipper-scrape-") as tmp:
        port, dead = free_port(), free_port()
        for i in range(args.files):
            with open(f"{tmp}/f{i}.log", "w") as f:
                f.write('{"a":1}\n' * 10)
        conf = f"{tmp}/bench.conf"
        with open(conf, "w") as f:
            f.write(f"""
<source>
  @type prometheus
  bind 127.0.0.1
  port {port}
</source>
<source>
  @type prometheus_monitor
</source>
<source>
  @type prometheus_output_monitor
</source>
<source>
  @type prometheus_tail_monitor
</source>
<source>
  @type tail
  path {tmp}/*.log
  pos_file {tmp}/bench.pos
  tag bench
  read_from_head true
  <parse>
    @type json
  </parse>
</source>
<match **>
  @type forward
  <server>
    host 127.0.0.1
    port {dead}
  </server>
</match>
""")
        p = subprocess.Popen([args.shipper, "-c", conf], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/metrics"
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    urllib.request.urlopen(url, timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            time.sleep(1)
            c0, t0, size = cpu_seconds(p.pid), time.monotonic(), 0
            for _ in range(args.scrapes):
                with urllib.request.urlopen(url, timeout=5) as r:
                    size = len(r.read())
            c1, t1 = cpu_seconds(p.pid), time.monotonic()
            time.sleep(2)
            c2 = cpu_seconds(p.pid)
        finally:
            p.terminate()
            p.wait(30)
        used = c1 - c0
        print(f"{args.scrapes} scrapes of {size} bytes ({args.files} tailed files): shipper CPU "
              f"{used:.2f} s = {used / args.scrapes * 1e6:.0f} us per scrape "
              f"(wall {t1 - t0:.2f} s); idle CPU over the next 2 s: {c2 - c1:.2f} s")


if __name__ == "__main__":
    main()
