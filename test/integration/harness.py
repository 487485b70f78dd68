"""Shared helpers for integration tests: start the real shipper binary, poll with deadlines,
find free loopback ports, decode forward frames. Every wait is bounded."""
import os
import signal
import signal as signal_module  # Shipper.signal() shadows the module name in the class body
import socket
import subprocess
import tempfile
import time
import unittest

SHIPPER_BIN = os.environ.get("SHIPPER_BIN", os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "shipper"))
SOURCE_DIR = os.environ.get("SHIPPER_SOURCE_DIR", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
FIXTURES = os.path.join(SOURCE_DIR, "..", "shared", "fixtures", "fluentd-1.18")


def wait_until(predicate, timeout=10.0, interval=0.02, message="condition"):
    """Polls predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shipper:
    """One shipper process with its stdout/stderr captured to files in `workdir`."""

    def __init__(self, workdir, config_text=None, config_path=None, args=(), env=None,
                 name="shipper"):
        self.workdir = workdir
        if config_text is not None:
            config_path = os.path.join(workdir, f"{name}.conf")
            with open(config_path, "w") as f:
                f.write(config_text)
        self.config_path = config_path
        self.stdout_path = os.path.join(workdir, f"{name}.stdout")
        self.stderr_path = os.path.join(workdir, f"{name}.stderr")
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        cmd = [SHIPPER_BIN]
        if config_path:
            cmd += ["-c", config_path]
        cmd += list(args)
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=self._err,
                                     stdin=subprocess.DEVNULL, env=full_env, cwd=workdir)

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for_output(self, text, timeout=10.0):
        return wait_until(lambda: text in self.stdout(), timeout,
                          message=f"{text!r} in stdout; got:\n{self.stdout()[-3000:]}\n"
                                  f"stderr:\n{self.stderr()[-2000:]}")

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal_module.SIGTERM, timeout=20.0):
        """Sends sig and waits for the exit; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._out.close()
            self._err.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._out.close()
        self._err.close()


def run_shipper(args, timeout=30, env=None, cwd=None):
    """Runs shipper to completion; returns CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run([SHIPPER_BIN] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=cwd, stdin=subprocess.DEVNULL)


class ShipperTestCase(unittest.TestCase):
    """Gives each test a temporary directory and stops every shipper it started."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="shipper-test-")
        self.tmp = self._tmp.name
        self._procs = []

    def tearDown(self):
        for p in self._procs:
            try:
                p.kill()
            except Exception:
                pass
        if os.environ.get("SHIPPER_KEEP_TMP"):
            # For debugging a failure: leave the logs, buffers and outputs in place.
            kept = tempfile.mkdtemp(prefix="shipper-kept-")
            os.rename(self.tmp, os.path.join(kept, "tmp"))
            print(f"kept test directory: {kept}/tmp")
            return
        self._tmp.cleanup()

    def start(self, config_text, args=(), env=None, name="shipper"):
        p = Shipper(self.tmp, config_text=config_text, args=args, env=env, name=name)
        self._procs.append(p)
        return p
