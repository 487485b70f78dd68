#!/usr/bin/env python3
"""Deterministic docker json-file log generator: realistic Kubernetes component messages
(klog, coredns, nginx access lines), 250-310 bytes a line and ~280 on average (the workload
design.md's performance anchors were measured on), RFC3339Nano times as dockerd writes them
(trailing zeros of the fraction trimmed). Same seed, same bytes.

    bench/gen_docker_logs.py --lines 1000000 --seed 1 > /tmp/docker.log
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


def message(r):
    kind = r.random()
    if kind < 0.5:
        level = r.choice("IIIIIWE")
        return (f"{level}0601 10:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(10**6):06d}"
                f"       1 {r.choice(KLOG_FILES)}:{r.randrange(20, 900)}] \"{r.choice(VERBS)} "
                f"/api/v1/namespaces/{r.choice(NAMESPACES)}/{r.choice(RESOURCES)}?limit=500\" "
                f"latency=\"{r.randrange(1, 900)}.{r.randrange(1000):03d}ms\" "
                f"status={r.choice([200, 200, 200, 201, 404, 409])} "
                f"userAgent=\"kube-controller-manager/v1.27.3 (linux/amd64) kubernetes/25b4e43\"\n")
    if kind < 0.8:
        return (f"[INFO] 10.244.{r.randrange(256)}.{r.randrange(256)}:{r.randrange(1024, 65535)} - "
                f"{r.randrange(65536)} \"{r.choice(['A', 'AAAA', 'SRV'])} IN "
                f"{r.choice(RESOURCES)}.{r.choice(NAMESPACES)}.svc.cluster.local. udp "
                f"{r.randrange(30, 90)} false 512\" NOERROR qr,aa,rd {r.randrange(60, 200)} "
                f"0.{r.randrange(10**9):09d}s upstream=10.96.0.{r.randrange(1, 11)}:53 "
                f"server=coredns-5d78c9869d-{r.getrandbits(24):06x}\n")
    return (f"10.0.{r.randrange(256)}.{r.randrange(256)} - - [01/Jun/2020:10:00:00 +0000] "
            f"\"GET /v1/items/{r.randrange(10**6)} HTTP/1.1\" {r.choice([200, 200, 304, 500])} "
            f"{r.randrange(100, 9000)} \"https://shop.example.com/cart\" "
            f"\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/120.0.0.0 Safari/537.36\" {r.randrange(300, 2000)} 0.{r.randrange(1000):03d}\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    r = random.Random(args.seed)
    out = sys.stdout
    sec = 1590969600
    for i in range(args.lines):
        sec += r.random() < 0.01
        ns = r.randrange(10**9)
        frac = f"{ns:09d}".rstrip("0")
        t = f"2020-06-01T{(sec // 3600) % 24:02d}:{(sec // 60) % 60:02d}:{sec % 60:02d}" + (f".{frac}" if frac else "") + "Z"
        rec = {"log": message(r), "stream": r.choice(["stdout", "stderr"]), "time": t}
        out.write(json.dumps(rec, separators=(",", ":"), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
