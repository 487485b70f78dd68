#!/usr/bin/env python3
"""Runs one lint case: `python3 run_case.py <shipper> <case file>`.

A case file starts with comment lines that say what `shipper --dry-run --lint-format json` must
report for it:

  # expect: error unknown-plugin 17:9      an error (code, line:column); the set of errors
                                          produced must be exactly the expected set
  # expect: warning unknown-parameter 8:3  a warning that must be present (others may be too)
  # expect-message: Unknown output plugin 'nosuchplugin'
                                          text that must appear in some diagnostic's message
  # expect-stdout: finished dry run mode   text that must appear on stdout
  # args: --strict-config-value            extra command-line arguments
  # env: NAME=value                        environment for the run (UNSET_VAR is always unset)
  # generate: KIND [N]                     lint a generated file instead of this one (the
                                          expectations then refer to the generated file):
                                          binary N, empty, long-line N, nested N

A position may be `*` (line or column) when it is not meaningful. The exit status must be 1 when
an error is expected and 0 otherwise; anything else (a crash, a hang) fails the case.
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

TIMEOUT = 45


def parse_header(path):
    spec = {"expect": [], "messages": [], "stdout": [], "args": [], "env": {}, "generate": None}
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            key, _, value = body.partition(":")
            value = value.strip()
            if key == "expect":
                severity, code, pos = value.split()
                line_no, _, col = pos.partition(":")
                spec["expect"].append((severity, code, line_no, col))
            elif key == "expect-message":
                spec["messages"].append(value)
            elif key == "expect-stdout":
                spec["stdout"].append(value)
            elif key == "args":
                spec["args"] += shlex.split(value)
            elif key == "env":
                name, _, val = value.partition("=")
                spec["env"][name] = val
            elif key == "generate":
                spec["generate"] = value.split()
    return spec


def generate(kind, args, directory):
    """Writes a generated input; returns its path."""
    path = os.path.join(directory, f"generated_{kind}.conf")
    with open(path, "wb") as f:
        if kind == "binary":
            rnd = random.Random(1234)  # the same bytes on every run
            f.write(bytes(rnd.randrange(256) for _ in range(int(args[0]))))
        elif kind == "empty":
            pass
        elif kind == "long-line":
            # One line of N bytes: a top-level parameter no directive reads.
            f.write(b"k " + b"a" * (int(args[0]) - 2))
        elif kind == "nested":
            depth = int(args[0])
            f.write(b"<match **>\n  @type null\n")
            f.write(b"<deep>\n" * depth)
            f.write(b"</deep>\n" * depth)
            f.write(b"</match>\n")
        else:
            raise SystemExit(f"unknown generator {kind}")
    return path


def matches(expected, diag):
    severity, code, line_no, col = expected
    return (diag.get("severity") == severity
            and (code == "*" or diag.get("code") == code)
            and (line_no == "*" or str(diag.get("line")) == line_no)
            and (col == "*" or str(diag.get("column")) == col))


def main():
    shipper, case = sys.argv[1], os.path.abspath(sys.argv[2])
    spec = parse_header(case)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        target = case
        if spec["generate"]:
            target = generate(spec["generate"][0], spec["generate"][1:], tmp)
        env = dict(os.environ)
        env.pop("UNSET_VAR", None)
        env.setdefault("MY_NODE_NAME", "node-1")
        env.update(spec["env"])
        cmd = [shipper, "--dry-run", "--lint-format", "json", "-c", target] + spec["args"]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                                  cwd=os.path.dirname(case), timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"FAIL: shipper did not finish within {TIMEOUT}s: {shlex.join(cmd)}")
            return 1
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")

    diags = []
    for line in stderr.splitlines():
        if not line.startswith("{"):
            continue
        try:
            diags.append(json.loads(line))
        except json.JSONDecodeError:
            failures.append(f"stderr line is not valid JSON: {line[:200]}")

    errors = [d for d in diags if d.get("severity") == "error"]
    expected_errors = [e for e in spec["expect"] if e[0] == "error"]
    unmatched = list(errors)
    for exp in expected_errors:
        hit = next((d for d in unmatched if matches(exp, d)), None)
        if hit is None:
            failures.append(f"missing error {exp[1]} at {exp[2]}:{exp[3]}")
        else:
            unmatched.remove(hit)
    for d in unmatched:
        failures.append(f"unexpected error {d.get('code')} at {d.get('line')}:{d.get('column')}: "
                        f"{d.get('message')}")
    for exp in spec["expect"]:
        if exp[0] == "error":
            continue
        if not any(matches(exp, d) for d in diags):
            failures.append(f"missing {exp[0]} {exp[1]} at {exp[2]}:{exp[3]}")
    for text in spec["messages"]:
        if not any(text in d.get("message", "") for d in diags):
            failures.append(f"no diagnostic message contains {text!r}")
    for text in spec["stdout"]:
        if text not in stdout:
            failures.append(f"stdout does not contain {text!r}")

    want_status = 1 if expected_errors else 0
    if proc.returncode != want_status:
        failures.append(f"exit status {proc.returncode}, expected {want_status}")

    if failures:
        print(f"FAIL: {os.path.basename(case)}")
        for f in failures:
            print("  " + f)
        print("--- command: " + shlex.join(cmd))
        print("--- stderr:\n" + stderr[-4000:])
        print("--- stdout:\n" + stdout[-2000:])
        return 1
    print(f"ok: {os.path.basename(case)} ({len(errors)} errors, {len(diags) - len(errors)} other)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
