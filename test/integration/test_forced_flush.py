"""A forced flush (SIGUSR1) toward a destination that is down: the first failure hands the chunk
to the retry schedule; the output does not keep hammering the destination until the next
scheduled retry."""
import json
import signal
import time
import unittest
import urllib.request

from fluent import sender

from harness import ShipperTestCase, free_port, wait_until


class ForcedFlushTest(ShipperTestCase):
    def test_sigusr1_with_destination_down_follows_retry_wait(self):
        in_port, dead_port, monitor_port = free_port(), free_port(), free_port()
        # nothing listens on dead_port
        p = self.start(f"""
<source>
  @type forward
  bind 127.0.0.1
  port {in_port}
</source>
<source>
  @type monitor_agent
  bind 127.0.0.1
  port {monitor_port}
</source>
<match app.**>
  @type forward
  heartbeat_type none
  <server>
    host 127.0.0.1
    port {dead_port}
  </server>
  <buffer>
    flush_mode interval
    flush_interval 60s
    retry_wait 30s
    retry_randomize false
  </buffer>
</match>
""")
        p.wait_for_output("listening port")
        s = sender.FluentSender("app", host="127.0.0.1", port=in_port)
        self.assertTrue(s.emit("ev", {"i": 1}), s.last_error)
        s.close()

        def output_has_the_event():
            url = f"http://127.0.0.1:{monitor_port}/api/plugins.json?type=forward"
            with urllib.request.urlopen(url, timeout=5) as r:
                plugins = json.load(r)["plugins"]
            return any(pl.get("output_plugin") and pl.get("emit_records") == 1 for pl in plugins)

        wait_until(output_has_the_event, 20, message="the event in the output's buffer")
        p.signal(signal.SIGUSR1)
        p.wait_for_output("failed to flush the buffer", 20)
        # Observe a fixed window: with retry_wait 30 s no other attempt belongs in it.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and p.alive():
            time.sleep(0.1)
        self.assertTrue(p.alive())
        attempts = p.stdout().count("failed to flush the buffer")
        self.assertEqual(attempts, 1, p.stdout()[-3000:])


if __name__ == "__main__":
    unittest.main()
