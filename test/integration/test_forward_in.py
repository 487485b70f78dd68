"""in_forward with real clients: Debian's fluent-logger, raw frames Fluentd sent, and garbage."""
import os
import socket
import struct
import time
import unittest

import msgpack
from fluent import sender

from harness import FIXTURES, ShipperTestCase, free_port, wait_until

ACK_DIR = os.path.join(os.path.dirname(__file__), "..", "fixtures", "forward", "in_forward_ack")


def conf(port, extra=""):
    return f"""
<source>
  @type forward
  @id in_fwd
  bind 127.0.0.1
  port {port}
  {extra}
</source>
<match **>
  @type stdout
</match>
"""


def exchange(port, data, wait=0.5):
    """Sends data on a new connection; returns what came back within `wait` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        s.settimeout(wait)
        out = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass  # in_forward closes with RST (linger_timeout 0), as Fluentd does
        return out


class InForwardTest(ShipperTestCase):
    def start_input(self, extra=""):
        port = free_port()
        p = self.start(conf(port, extra))
        p.wait_for_output("listening port")
        return p, port

    def test_fluent_logger_events_arrive(self):
        p, port = self.start_input()
        s = sender.FluentSender("app", host="127.0.0.1", port=port, nanosecond_precision=True)
        t = 1700000000.123456789
        self.assertTrue(s.emit_with_time("web", t, {"msg": "hello", "n": 1}))
        self.assertTrue(s.emit("web", {"msg": "second", "n": 2}))
        s.close()
        p.wait_for_output('app.web: {"msg":"hello","n":1}')
        p.wait_for_output('app.web: {"msg":"second","n":2}')
        self.assertIn("2023-11-14 22:13:20.123456", p.stdout())

    def test_fixture_requests_get_fluentd_acks(self):
        p, port = self.start_input()
        cases = ["1_packedforward_chunk", "2_compressedpackedforward_chunk", "3_forward_chunk",
                 "4_message_chunk", "5_packedforward_no_chunk"]
        for c in cases:
            with open(os.path.join(ACK_DIR, c + ".request.bin"), "rb") as f:
                req = f.read()
            with open(os.path.join(ACK_DIR, c + ".response.bin"), "rb") as f:
                expected = f.read()
            self.assertEqual(exchange(port, req), expected, c)
        p.wait_for_output("CoreDNS-1.10.1")
        # 7 events in the 5 requests, as Fluentd printed them.
        wait_until(lambda: p.stdout().count("kubernetes.var.log.containers.") >= 7, 10,
                   message="7 events")

    def test_garbage_closes_only_that_connection(self):
        p, port = self.start_input()
        # A healthy keepalive connection stays usable while others send garbage.
        good = socket.create_connection(("127.0.0.1", port), timeout=5)
        for junk in [b"\xc1\xc1\xc1", os.urandom(2000), b"\x93\xa3tag\xdb\x40\x00\x00\x00",
                     b"\xdd\xff\xff\xff\xff", b"\x93\xa3tag\xdb\x00\x00\x00\x10\x92"]:
            try:
                exchange(port, junk, wait=0.2)
            except OSError:
                pass
        req = msgpack.packb(["good.tag", 1700000000, {"ok": True}, {"chunk": "abc"}])
        good.sendall(req)
        good.settimeout(5)
        self.assertEqual(good.recv(100), msgpack.packb({"ack": "abc"}))
        good.close()
        p.wait_for_output('good.tag: {"ok":true}')
        self.assertTrue(p.alive())
        self.assertIn("unexpected error on reading data from client", p.stdout())

    def test_one_gigabyte_prefix_rejected_without_waiting_for_it(self):
        p, port = self.start_input("chunk_size_limit 1m")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"\x93\xa3tag\xdb\x40\x00\x00\x00" + b"x" * 1000)
            s.settimeout(5)
            # The server drops the connection at the header: recv sees EOF or a reset.
            try:
                self.assertEqual(s.recv(10), b"")
            except ConnectionResetError:
                pass
        p.wait_for_output("Input chunk size is larger than 'chunk_size_limit', dropped:")
        self.assertTrue(p.alive())

    def test_chunk_size_limit_drops_without_ack(self):
        p, port = self.start_input("chunk_size_limit 200")
        small = msgpack.packb(["t.small", 1700000000, {"a": 1}, {"chunk": "s"}])
        big = msgpack.packb(["t.big", [[1700000000, {"a": "x" * 300}]], {"chunk": "b"}])
        self.assertEqual(exchange(port, small), msgpack.packb({"ack": "s"}))
        self.assertEqual(exchange(port, big), b"")
        p.wait_for_output("chunk_size_limit")
        self.assertNotIn("t.big:", p.stdout())

    def test_invalid_events_skipped_but_acked(self):
        p, port = self.start_input()
        req = msgpack.packb(["t.mixed", [["not a time", {"a": 1}], [1700000000, {"a": 2}],
                                         [1700000001, "not a map"]], {"chunk": "m"}])
        self.assertEqual(exchange(port, req), msgpack.packb({"ack": "m"}))
        p.wait_for_output('t.mixed: {"a":2}')
        p.wait_for_output("skip invalid event:")
        self.assertNotIn('"a":1', p.stdout())

    def test_source_keys_and_tag_prefix(self):
        p, port = self.start_input("source_address_key src_ip\n  add_tag_prefix fwd")
        exchange(port, msgpack.packb(["t.src", 1700000000, {"a": 1}]), wait=0.2)
        p.wait_for_output('fwd.t.src: {"a":1,"src_ip":"127.0.0.1"}')

    def test_deny_keepalive_closes_after_the_ack(self):
        p, port = self.start_input("deny_keepalive true")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(msgpack.packb(["t.k", 1700000000, {"a": 1}, {"chunk": "k"}]))
            s.settimeout(5)
            data = b""
            while True:
                chunk = s.recv(100)
                if not chunk:
                    break
                data += chunk
        self.assertEqual(data, msgpack.packb({"ack": "k"}))

    def test_udp_heartbeat_answered(self):
        p, port = self.start_input()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.settimeout(5)
            u.sendto(b"\x00", ("127.0.0.1", port))
            data, _ = u.recvfrom(16)
        self.assertEqual(data, b"\x00")

    def test_fluent_bit_nested_time_form(self):
        p, port = self.start_input()
        et = msgpack.ExtType(0, struct.pack(">II", 1700000000, 5))
        entries = msgpack.packb([[et, {"meta": 1}], {"fb": "yes"}])
        req = msgpack.packb(["t.fb", entries, {"chunk": "fb", "fluent_signal": 0}], use_bin_type=True)
        self.assertEqual(exchange(port, req), msgpack.packb({"ack": "fb"}))
        p.wait_for_output('t.fb: {"fb":"yes"}')
        self.assertIn("2023-11-14 22:13:20.000000005", p.stdout())


if __name__ == "__main__":
    unittest.main()
