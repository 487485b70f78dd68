"""The shared-key handshake and TLS end to end between two shipper processes, and a wrong key
refused with a clear log line on both sides."""
import os
import subprocess
import unittest

from fluent import sender

from harness import ShipperTestCase, free_port, wait_until


class ForwardSecurityTest(ShipperTestCase):
    def server_conf(self, port, key, tls=""):
        return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {port}
  <security>
    self_hostname aggregator.test
    shared_key {key}
  </security>
  {tls}
</source>
<match **>
  @type stdout
</match>
"""

    def client_conf(self, in_port, port, key, tls=""):
        return f"""
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<match app.**>
  @type forward
  heartbeat_type none
  {tls}
  <security>
    self_hostname node.test
    shared_key {key}
  </security>
  <server>
    host 127.0.0.1
    name localhost
    port {port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 0.5
    retry_wait 0.5
  </buffer>
</match>
"""

    def send(self, port, msg):
        s = sender.FluentSender("app", host="127.0.0.1", port=port, nanosecond_precision=True)
        self.assertTrue(s.emit("sec", {"msg": msg}), s.last_error)
        s.close()

    def test_shared_key_handshake(self):
        port, in_port = free_port(), free_port()
        server = self.start(self.server_conf(port, "s3cret"), name="server")
        server.wait_for_output("listening port")
        client = self.start(self.client_conf(in_port, port, "s3cret"), name="client")
        client.wait_for_output("listening port")
        self.send(in_port, "over the handshake")
        server.wait_for_output('app.sec: {"msg":"over the handshake"}', timeout=20)

    def test_wrong_key_refused(self):
        port, in_port = free_port(), free_port()
        server = self.start(self.server_conf(port, "s3cret"), name="server")
        server.wait_for_output("listening port")
        client = self.start(self.client_conf(in_port, port, "wrong"), name="client")
        client.wait_for_output("listening port")
        self.send(in_port, "must not pass")
        client.wait_for_output("authentication failed: shared_key mismatch", timeout=20)
        server.wait_for_output("Shared key mismatch")
        self.assertNotIn("must not pass", server.stdout())

    def test_tls_with_self_signed_certificate(self):
        cert, key = os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost"],
                       check=True, capture_output=True, timeout=60)
        port, in_port = free_port(), free_port()
        server_tls = f"""<transport tls>
    cert_path {cert}
    private_key_path {key}
  </transport>"""
        client_tls = f"""transport tls
  tls_cert_path {cert}"""
        server = self.start(self.server_conf(port, "s3cret", server_tls), name="server")
        server.wait_for_output("listening port")
        client = self.start(self.client_conf(in_port, port, "s3cret", client_tls), name="client")
        client.wait_for_output("listening port")
        self.send(in_port, "over tls")
        server.wait_for_output('app.sec: {"msg":"over tls"}', timeout=20)


if __name__ == "__main__":
    unittest.main()
