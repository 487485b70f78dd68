"""The install layout, the .deb, the container entrypoint and the Dockerfile, checked without a
Docker engine: `cmake --install` into a staging root, `cpack`, and the entrypoint run there."""
import glob
import json
import os
import re
import shutil
import stat
import subprocess
import unittest

from harness import SHIPPER_BIN, SOURCE_DIR, ShipperTestCase, free_port, wait_until

BUILD_DIR = os.path.dirname(os.path.abspath(SHIPPER_BIN))
ENTRYPOINT = os.path.join(SOURCE_DIR, "docker", "entrypoint.sh")
DOCKERFILE = os.path.join(SOURCE_DIR, "docker", "Dockerfile")
DAEMONSET = os.path.join(SOURCE_DIR, "docker", "daemonset.yaml")


class InstallLayout(ShipperTestCase):
    def test_cmake_install_lays_out_binary_config_and_unit(self):
        stage = os.path.join(self.tmp, "stage")
        env = dict(os.environ, DESTDIR=stage)
        subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", "/usr"], check=True,
                       env=env, capture_output=True, timeout=120)
        binary = os.path.join(stage, "usr/bin/shipper")
        self.assertTrue(os.access(binary, os.X_OK))
        unit = os.path.join(stage, "usr/lib/systemd/system/shipper.service")
        with open(unit) as f:
            text = f.read()
        self.assertIn("ExecReload=/bin/kill -HUP $MAINPID", text)
        self.assertIn("KillSignal=SIGTERM", text)
        self.assertTrue(os.path.isfile(os.path.join(stage, "etc/shipper/fluent.conf")))
        self.assertTrue(os.path.isfile(os.path.join(stage, "usr/share/shipper/examples/demo.conf")))
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn("shipper", out.stdout)

    def test_deb_package_contents(self):
        if shutil.which("cpack") is None or shutil.which("dpkg-deb") is None:
            self.skipTest("cpack or dpkg-deb missing")
        outdir = os.path.join(self.tmp, "deb")
        os.makedirs(outdir)
        subprocess.run(["cpack", "-G", "DEB", "-B", outdir, "--config",
                        os.path.join(BUILD_DIR, "CPackConfig.cmake")],
                       check=True, capture_output=True, timeout=300, cwd=BUILD_DIR)
        debs = glob.glob(os.path.join(outdir, "*.deb"))
        self.assertEqual(len(debs), 1, os.listdir(outdir))
        listing = subprocess.run(["dpkg-deb", "--contents", debs[0]], check=True,
                                 capture_output=True, text=True).stdout
        for path in ["./usr/bin/shipper", "./usr/lib/systemd/system/shipper.service",
                     "./etc/shipper/fluent.conf", "./usr/share/shipper/examples/demo.conf"]:
            self.assertIn(path, listing)
        info = subprocess.run(["dpkg-deb", "--info", debs[0]], check=True,
                              capture_output=True, text=True).stdout
        self.assertRegex(info, r"Package: shipper")
        self.assertRegex(info, r"Depends: .*libre2")


class Entrypoint(ShipperTestCase):
    """Runs docker/entrypoint.sh with a recording stand-in for `fluentd` on PATH."""

    def setUp(self):
        super().setUp()
        self.bin = os.path.join(self.tmp, "bin")
        self.etc = os.path.join(self.tmp, "fluentd", "etc")
        os.makedirs(self.bin)
        os.makedirs(self.etc)
        self.argv_file = os.path.join(self.tmp, "argv")
        recorder = os.path.join(self.bin, "fluentd")
        with open(recorder, "w") as f:
            f.write('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGV_FILE"\n')
        os.chmod(recorder, os.stat(recorder).st_mode | stat.S_IEXEC)

    def run_entrypoint(self, *args, **env_extra):
        env = {"PATH": self.bin + ":/usr/bin:/bin", "ARGV_FILE": self.argv_file,
               "FLUENTD_ETC_DIR": self.etc, "FLUENTD_PLUGIN_DIR": "/fluentd/plugins"}
        env.update(env_extra)
        subprocess.run(["sh", ENTRYPOINT] + list(args), check=True, env=env, timeout=20)
        with open(self.argv_file) as f:
            return f.read().splitlines()

    def test_defaults_add_config_and_plugin_dir(self):
        argv = self.run_entrypoint()
        self.assertEqual(argv, ["--config", f"{self.etc}/fluent.conf", "--plugin", "/fluentd/plugins",
                                "--health-endpoint", "127.0.0.1:24221"])

    def test_fluentd_conf_names_a_file_under_etc(self):
        argv = self.run_entrypoint("fluentd", FLUENTD_CONF="node.conf")
        self.assertEqual(argv[:2], ["--config", f"{self.etc}/node.conf"])

    def test_flags_alone_mean_fluentd_and_explicit_config_is_kept(self):
        argv = self.run_entrypoint("-c", "/x.conf", "-v")
        self.assertEqual(argv, ["-c", "/x.conf", "-v", "--plugin", "/fluentd/plugins",
                                "--health-endpoint", "127.0.0.1:24221"])

    def test_fluentd_opt_is_appended(self):
        argv = self.run_entrypoint("fluentd", "-p", "/p", FLUENTD_OPT="-q --suppress-config-dump")
        self.assertEqual(argv, ["-p", "/p", "--config", f"{self.etc}/fluent.conf",
                                "--health-endpoint", "127.0.0.1:24221", "-q",
                                "--suppress-config-dump"])

    def test_health_endpoint_env_and_explicit_flag(self):
        argv = self.run_entrypoint("fluentd", SHIPPER_HEALTH_ENDPOINT="127.0.0.1:9999")
        self.assertEqual(argv[-2:], ["--health-endpoint", "127.0.0.1:9999"])
        for off in ("", "off"):
            argv = self.run_entrypoint("fluentd", SHIPPER_HEALTH_ENDPOINT=off)
            self.assertNotIn("--health-endpoint", argv)
        argv = self.run_entrypoint("fluentd", "--health-endpoint=127.0.0.1:1234")
        self.assertEqual([a for a in argv if a.startswith("--health")],
                         ["--health-endpoint=127.0.0.1:1234"])

    def test_daemonset_probes_answer_through_the_entrypoint(self):
        """Starts the real binary the way the image does (entrypoint, env from the DaemonSet)
        and runs the DaemonSet's exec probe commands against it."""
        with open(DAEMONSET) as f:
            manifest = f.read()
        env_port = re.search(r'name: SHIPPER_HEALTH_ENDPOINT\s+value: "127\.0\.0\.1:(\d+)"',
                             manifest)
        self.assertIsNotNone(env_port, "SHIPPER_HEALTH_ENDPOINT env in the DaemonSet")
        probes = {}
        for kind in ("livenessProbe", "readinessProbe"):
            m = re.search(kind + r":\s+exec:\s+command: (\[.*?\])", manifest, re.S)
            self.assertIsNotNone(m, kind)
            probes[kind] = json.loads(m.group(1))
        self.assertEqual(probes["livenessProbe"][:3], ["shipper", "status", "--check-live"])
        self.assertEqual(probes["readinessProbe"][:3], ["shipper", "status", "--check-ready"])
        for argv in probes.values():
            self.assertIn(f"http://127.0.0.1:{env_port.group(1)}", argv)

        port = free_port()
        os.symlink(os.path.abspath(SHIPPER_BIN), os.path.join(self.bin, "shipper"))
        with open(os.path.join(self.etc, "probe.conf"), "w") as f:
            f.write("<source>\n  @type sample\n  tag x\n</source>\n"
                    "<match x>\n  @type null\n</match>\n")
        env = {"PATH": self.bin + ":/usr/bin:/bin", "FLUENTD_ETC_DIR": self.etc,
               "FLUENTD_CONF": "probe.conf", "SHIPPER_HEALTH_ENDPOINT": f"127.0.0.1:{port}"}
        proc = subprocess.Popen(["sh", ENTRYPOINT, "shipper"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (proc.poll() is None and proc.kill(), proc.wait(10)))

        def probe(kind):
            argv = [a.replace(env_port.group(1), str(port)) for a in probes[kind]]
            argv[0] = SHIPPER_BIN
            return subprocess.run(argv, capture_output=True, text=True, timeout=20).returncode
        wait_until(lambda: probe("readinessProbe") == 0, 15, message="readiness probe passes")
        self.assertEqual(probe("livenessProbe"), 0)
        proc.terminate()
        self.assertEqual(proc.wait(timeout=20), 0)
        self.assertEqual(probe("livenessProbe"), 1)
        self.assertEqual(probe("readinessProbe"), 1)

    def test_other_commands_run_as_given(self):
        subprocess.run(["sh", ENTRYPOINT, "sh", "-c", "echo other > \"$ARGV_FILE\""], check=True,
                       env={"PATH": "/usr/bin:/bin", "ARGV_FILE": self.argv_file}, timeout=20)
        with open(self.argv_file) as f:
            self.assertEqual(f.read().strip(), "other")

    def test_real_binary_lints_the_image_default_config(self):
        os.symlink(os.path.abspath(SHIPPER_BIN), os.path.join(self.bin, "shipper"))
        shutil.copy(os.path.join(SOURCE_DIR, "docker", "fluent.conf"), self.etc)
        env = {"PATH": self.bin + ":/usr/bin:/bin", "FLUENTD_ETC_DIR": self.etc}
        out = subprocess.run(["sh", ENTRYPOINT, "shipper", "--dry-run"], env=env,
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)


class Dockerfile(unittest.TestCase):
    def test_every_copied_path_exists(self):
        with open(DOCKERFILE) as f:
            text = f.read()
        for line in text.splitlines():
            m = re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip())
            if not m:
                continue
            for src in m.group(1).split():
                self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, src)), src)

    def test_runtime_stage_installs_every_library_the_binary_needs(self):
        if shutil.which("ldd") is None or shutil.which("dpkg") is None:
            self.skipTest("ldd/dpkg missing")
        with open(DOCKERFILE) as f:
            runtime = f.read().split("FROM debian:bookworm-slim", 1)[1]
        ldd = subprocess.run(["ldd", SHIPPER_BIN], capture_output=True, text=True, check=True).stdout
        base = {"libc6", "libgcc-s1", "libstdc++6"}  # present in bookworm-slim
        for lib in re.findall(r"=> (/\S+)", ldd):
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(lib)], capture_output=True,
                                   text=True)
            if owner.returncode != 0:
                owner = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
            self.assertEqual(owner.returncode, 0, f"no package owns {lib}")
            package = owner.stdout.split(":")[0]
            if package in base:
                continue
            self.assertIn(package, runtime, f"{lib} comes from {package}, not installed in the image")


if __name__ == "__main__":
    unittest.main()
