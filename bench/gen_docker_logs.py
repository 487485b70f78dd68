#!/usr/bin/env python3
"""Deterministic docker json-file log generator: realistic Kubernetes component messages
(klog, coredns, nginx access lines), RFC3339Nano times as dockerd writes them (trailing zeros of
the fraction trimmed). Same seed and size, same bytes.

Two line sizes: `short` (the default), 150-250 bytes a line; `design`, 250-310 bytes and ~280 on
average, the workload design.md's performance anchors were measured on. The design lines carry
the fields real lines carry besides (user agents, referers, upstreams).

    bench/gen_docker_logs.py --lines 1000000 --seed 1 > /tmp/docker.log
    bench/gen_docker_logs.py --lines 1000000 --seed 1 --size design > /tmp/docker-280.log
"""
import argparse
import json
import random
import sys

KLOG_FILES = ["server.go", "controller.go", "reflector.go", "leaderelection.go", "trace.go",
              "event.go", "scheduler.go", "round_trippers.go", "cache.go"]
VERBS = ["GET", "LIST", "WATCH", "PATCH", "UPDATE", "CREATE", "DELETE"]
RESOURCES = ["pods", "endpoints", "configmaps", "leases", "nodes", "deployments", "events"]
NAMESPACES = ["kube-system", "default", "monitoring", "ingress-nginx", "payments"]
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36")


def message(r, design):
    kind = r.random()
    if kind < 0.5:
        level = r.choice("IIIIIWE")
        text = (f"{level}0601 10:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(10**6):06d}"
                f"       1 {r.choice(KLOG_FILES)}:{r.randrange(20, 900)}] \"{r.choice(VERBS)} "
                f"/api/v1/namespaces/{r.choice(NAMESPACES)}/{r.choice(RESOURCES)}?limit=500\" "
                f"latency=\"{r.randrange(1, 900)}.{r.randrange(1000):03d}ms\" "
                f"status={r.choice([200, 200, 200, 201, 404, 409])}")
        if design:
            text += " userAgent=\"kube-controller-manager/v1.27.3 (linux/amd64) kubernetes/25b4e43\""
        return text + "\n"
    if kind < 0.8:
        text = (f"[INFO] 10.244.{r.randrange(256)}.{r.randrange(256)}:{r.randrange(1024, 65535)} - "
                f"{r.randrange(65536)} \"{r.choice(['A', 'AAAA', 'SRV'])} IN "
                f"{r.choice(RESOURCES)}.{r.choice(NAMESPACES)}.svc.cluster.local. udp "
                f"{r.randrange(30, 90)} false 512\" NOERROR qr,aa,rd {r.randrange(60, 200)} "
                f"0.{r.randrange(10**9):09d}s")
        if design:
            text += (f" upstream=10.96.0.{r.randrange(1, 11)}:53 "
                     f"server=coredns-5d78c9869d-{r.getrandbits(24):06x}")
        return text + "\n"
    text = (f"10.0.{r.randrange(256)}.{r.randrange(256)} - - [01/Jun/2020:10:00:00 +0000] "
            f"\"GET /v1/items/{r.randrange(10**6)} HTTP/1.1\" {r.choice([200, 200, 304, 500])} "
            f"{r.randrange(100, 9000)} ")
    if design:
        text += (f"\"https://shop.example.com/cart\" \"{BROWSER}\" {r.randrange(300, 2000)} "
                 f"0.{r.randrange(1000):03d}")
    else:
        text += "\"-\" \"kube-probe/1.27\""
    return text + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", choices=["short", "design"], default="short",
                    help="short: 150-250 bytes a line; design: ~280 bytes (design.md's workload)")
    args = ap.parse_args()
    r = random.Random(args.seed)
    design = args.size == "design"
    out = sys.stdout
    sec = 1590969600
    for i in range(args.lines):
        sec += r.random() < 0.01
        ns = r.randrange(10**9)
        frac = f"{ns:09d}".rstrip("0")
        t = f"2020-06-01T{(sec // 3600) % 24:02d}:{(sec // 60) % 60:02d}:{sec % 60:02d}" + (f".{frac}" if frac else "") + "Z"
        rec = {"log": message(r, design), "stream": r.choice(["stdout", "stderr"]), "time": t}
        out.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
