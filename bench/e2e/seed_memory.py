#!/usr/bin/env python3
"""Memory of the seed DaemonSet pipeline with many tailed files (design.md "Performance budget":
100 tailed files under 30 MiB RSS).

A node's log tree as Kubernetes lays it out (test/integration/seed_tree.py) with N containers
spread over the seed config's five sources, each file holding its share of the generator's
docker json-file lines (design size). The seed fluent.conf runs with only its paths and ports
changed (and a 1 s flush interval), its two servers being loopback counting sinks. Reported: the
shipping process's peak RSS (VmHWM), its RSS once every line was delivered, and CPU seconds.

    /usr/bin/python3 bench/e2e/seed_memory.py --shipper build/shipper --files 100 --lines 200000
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "integration"))
sys.path.insert(0, os.path.join(HERE, ".."))

from process_stats import status_kib  # noqa: E402
from run_e2e import GEN, CountingSink, proc_stats  # noqa: E402
from seed_tree import Container, rewrite_seed_conf  # noqa: E402

SEED_CONF = os.path.join(HERE, "..", "..", "..", "shared", "examples", "seed-daemonset",
                         "fluent.conf")
# (component, tag): the seed config's sources; the network source reads two components.
COMPONENTS = [("kube-apiserver", "runtime-kube-apiserver"),
              ("kube-controller-manager", "runtime-kube-controller-manager"),
              ("kube-scheduler", "runtime-kube-scheduler"),
              ("kube-proxy", "runtime-kube-proxy"),
              ("calico-node", "runtime-network"),
              ("coredns", "runtime-network")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shipper", required=True)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--lines", type=int, default=200000)
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="shipper-seed-mem-") as tmp:
        root, pos_dir, buf_dir = (os.path.join(tmp, d) for d in ("node", "pos", "buffer"))
        os.makedirs(root)
        os.makedirs(pos_dir)
        containers = []
        for i in range(args.files):
            component, tag = COMPONENTS[i % len(COMPONENTS)]
            c = Container(root, component, f"{component}-node-{i:03d}", tag)
            c.create()
            containers.append(c)
        lines = subprocess.run([sys.executable, GEN, "--lines", str(args.lines), "--seed", "1",
                                "--size", "design"], capture_output=True, text=True,
                               check=True).stdout.splitlines(keepends=True)
        for i, c in enumerate(containers):
            with open(c.real_path, "w") as f:
                f.writelines(lines[i::len(containers)])

        sinks = [CountingSink(), CountingSink()]
        with open(SEED_CONF) as f:
            conf_text = rewrite_seed_conf(f.read(), root, pos_dir, buf_dir, sinks[0].port,
                                          sinks[1].port)
        conf = os.path.join(tmp, "fluent.conf")
        with open(conf, "w") as f:
            f.write(conf_text)
        out = open(os.path.join(tmp, "shipper.out"), "wb")
        env = dict(os.environ, MY_NODE_NAME="node-bench", TZ="UTC")
        t0 = time.monotonic()
        p = subprocess.Popen([args.shipper, "-c", conf, "--no-supervisor"], stdout=out,
                             stderr=subprocess.STDOUT, env=env)
        delivered = lambda: sinks[0].count + sinks[1].count  # noqa: E731
        try:
            deadline = t0 + args.timeout
            while delivered() < args.lines and time.monotonic() < deadline and p.poll() is None:
                time.sleep(0.1)
            elapsed = time.monotonic() - t0
            alive = p.poll() is None
            cpu, hwm = proc_stats(p.pid) if alive else (float("nan"), 0)
            rss = status_kib(p.pid, "VmRSS") if alive else 0
        finally:
            p.terminate()
            p.wait(30)
            out.close()
        ok = delivered() >= args.lines
        print(f"files: {args.files}  events delivered: {delivered()}/{args.lines} "
              f"({sinks[0].count} + {sinks[1].count}, {'complete' if ok else 'INCOMPLETE'})")
        print(f"wall: {elapsed:.2f} s  shipping process CPU: {cpu:.2f} s")
        print(f"peak RSS (VmHWM): {hwm / 1024:.1f} MiB  RSS after delivery: {rss / 1024:.1f} MiB")
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
