"""A node's container log tree laid out as Kubernetes and dockerd lay it out, and the seed
config pointed into it, for the seed DaemonSet pipeline test and its memory benchmark:

  var/lib/docker/containers/<id>/<id>-json.log                  the real file (docker json-file)
  var/log/pods/<ns>_<pod>_<uid>/<container>/0.log              -> the real file
  var/log/containers/<pod>_<ns>_<container>-<id>.log           -> the pods file

Each line carries a unique text in `log` and a unique RFC 3339 time with nanoseconds, so the
receiving side can check that every line arrived once, with its exact event time."""
import hashlib
import json
import os


class Container:
    def __init__(self, root, component, pod, tag, namespace="kube-system"):
        self.root = root
        self.component = component
        self.pod = pod
        self.tag = tag
        self.namespace = namespace
        self.id = hashlib.sha256(pod.encode()).hexdigest()  # 64 hex chars, like a container id
        self.uid = "{}-{}-{}-{}-{}".format(self.id[:8], self.id[8:12], self.id[12:16],
                                           self.id[16:20], self.id[20:32])
        self.real_dir = os.path.join(root, "var/lib/docker/containers", self.id)
        self.real_path = os.path.join(self.real_dir, f"{self.id}-json.log")
        self.pods_path = os.path.join(root, "var/log/pods", f"{namespace}_{pod}_{self.uid}",
                                      component, "0.log")
        # the path in_tail reads and reports in path_key
        self.containers_path = os.path.join(
            root, "var/log/containers", f"{pod}_{namespace}_{component}-{self.id}.log")
        self.rotations = 0
        self.written = 0

    def create(self):
        os.makedirs(self.real_dir, exist_ok=True)
        os.makedirs(os.path.dirname(self.pods_path), exist_ok=True)
        os.makedirs(os.path.dirname(self.containers_path), exist_ok=True)
        open(self.real_path, "a").close()
        os.symlink(self.real_path, self.pods_path)
        os.symlink(self.pods_path, self.containers_path)

    def write(self, hours, per_hour):
        """Appends per_hour lines for each hour in hours; returns {log text: time string}."""
        lines = {}
        with open(self.real_path, "a") as f:
            for hour in hours:
                for _ in range(per_hour):
                    n = self.written
                    self.written += 1
                    # distinct nanoseconds per line, with leading and trailing zeros now and then
                    nanos = (n * 7919 + len(self.pod) * 104729) % 1_000_000_000
                    if n % 10 == 0:
                        nanos = (nanos // 1000) * 1000
                    stamp = "2026-11-24T%02d:%02d:%02d.%09dZ" % (hour, (n // 60) % 60, n % 60, nanos)
                    text = f"{self.component} line {n:06d}\n"
                    f.write(json.dumps({"log": text, "stream": "stdout" if n % 3 else "stderr",
                                        "time": stamp}, separators=(",", ":")) + "\n")
                    lines[text] = stamp
        return lines

    def rotate(self):
        """What dockerd's json-file driver does at max-size: rename, then start a new file."""
        self.rotations += 1
        os.rename(self.real_path, f"{self.real_path}.{self.rotations}")
        open(self.real_path, "w").close()


def seed_containers(root):
    """One container per source of the seed config; the network source gets two."""
    return [
        Container(root, "kube-apiserver", "kube-apiserver-node-e2e", "runtime-kube-apiserver"),
        Container(root, "kube-controller-manager", "kube-controller-manager-node-e2e",
                  "runtime-kube-controller-manager"),
        Container(root, "kube-scheduler", "kube-scheduler-node-e2e", "runtime-kube-scheduler"),
        Container(root, "kube-proxy", "kube-proxy-x7k2p", "runtime-kube-proxy"),
        Container(root, "calico-node", "calico-node-8fq4z", "runtime-network"),
        Container(root, "coredns", "coredns-5d78c9869d-4mz2l", "runtime-network"),
    ]


def rewrite_seed_conf(text, root, pos_dir, buf_dir, port1, port2):
    """Changes only paths and ports (and the flush interval, see below); fails if the seed
    config no longer has what is being replaced."""
    replacements = [
        ("/var/log/containers/", os.path.join(root, "var/log/containers") + "/", 6),
        ("/log/fluentd/pos/", pos_dir + "/", 5),
        ("path /var/log/td-agent/buffer/docker", f"path {buf_dir}", 1),
        ("port 12345\n", f"port {port1}\n", 1),
        ("port 12346\n", f"port {port2}\n", 1),
        # 10s would make the test wait 10 s for every flush; the interval changes timing only.
        ("flush_interval 10s\n", "flush_interval 1s\n", 1),
    ]
    for old, new, count in replacements:
        if text.count(old) != count:
            raise AssertionError(f"seed config: expected {count} x {old!r}, found {text.count(old)}")
        text = text.replace(old, new)
    return text
