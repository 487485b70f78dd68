"""Routing through the real binary: patterns, filter order, first match wins, labels, relabel,
copy, @ERROR, @FLUENT_LOG and the no-match warning, checked on out_stdout's output."""
import unittest

from engine_util import records, records_for
from harness import ShipperTestCase, wait_until


def sample(tag, record, rate=10):
    return f"""
<source>
  @type sample
  tag {tag}
  rate {rate}
  sample {record}
</source>
"""


class RoutingTest(ShipperTestCase):

    def test_patterns_filter_order_and_first_match(self):
        conf = (sample("app.web", '{"src":"web"}') + sample("app.api", '{"src":"api"}') +
                sample("sys.disk", '{"src":"disk"}') + """
<filter app.**>
  @type record_transformer
  <record>
    f1 one
  </record>
</filter>
<filter {app,sys}.*>
  @type record_transformer
  <record>
    f2 two
  </record>
</filter>
<match app.web>
  @type stdout
</match>
<filter **>
  @type record_transformer
  <record>
    late yes
  </record>
</filter>
<match /app\\.(api|web)/ sys.**>
  @type stdout
</match>
<match app.api>
  @type relabel
  @label @never
</match>
<label @never>
  <match **>
    @type stdout
    <format>
      @type json
    </format>
  </match>
</label>
""")
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: all(records_for(p.stdout(), t) for t in ("app.web", "app.api", "sys.disk")),
                   message="events of the three tags")
        out = p.stdout()
        web = records_for(out, "app.web")[0]
        api = records_for(out, "app.api")[0]
        disk = records_for(out, "sys.disk")[0]
        # Filters ran in file order (keys are appended in the order the filters ran);
        # `{app,sys}.*` matched sys.disk but `app.**` did not.
        self.assertEqual(list(web.keys()), ["src", "f1", "f2"], web)
        self.assertEqual(list(api.keys()), ["src", "f1", "f2", "late"], api)
        self.assertEqual(list(disk.keys()), ["src", "f2", "late"], disk)
        # app.web was caught by the first <match>: the later filter never ran on it.
        self.assertNotIn("late", web)
        # app.api and sys.disk passed the later filter, then the regex/glob <match>.
        self.assertEqual(api["late"], "yes")
        self.assertEqual(disk["late"], "yes")
        # The label was never reached (its output prints bare JSON, with no time/tag header).
        self.assertNotIn('\n{"src"', out)
        self.assertEqual(p.stop(), 0)

    def test_labels_relabel_copy_and_root(self):
        conf = sample("in.a", '{"k":"v"}') + """
<match in.**>
  @type copy
  <store>
    @type stdout
  </store>
  <store>
    @type relabel
    @label @second
  </store>
</match>
<match back.**>
  @type stdout
</match>
<label @second>
  <filter **>
    @type record_transformer
    <record>
      second 2
    </record>
  </filter>
  <match in.**>
    @type relabel
    @label @third
  </match>
</label>
<label @third>
  <filter **>
    @type record_transformer
    <record>
      third 3
    </record>
  </filter>
  <match **>
    @type stdout
  </match>
</label>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: len(records_for(p.stdout(), "in.a")) >= 4, message="copied events")
        recs = records_for(p.stdout(), "in.a")
        plain = [r for r in recs if "second" not in r]
        relabelled = [r for r in recs if "second" in r]
        self.assertTrue(plain and relabelled, recs[:6])
        self.assertEqual(plain[0], {"k": "v"})
        # Through @second's filter, then relabelled again into @third.
        self.assertEqual(list(relabelled[0].items()), [("k", "v"), ("second", "2"), ("third", "3")])
        self.assertEqual(p.stop(), 0)

    def test_label_at_root_and_no_fallback(self):
        conf = sample("x.one", '{"n":1}') + sample("x.two", '{"n":2}') + """
<source>
  @type sample
  tag y.z
  rate 10
  @label @inner
  sample {"n":3}
</source>
<match back.**>
  @type stdout
</match>
<match x.one>
  @type relabel
  @label @inner
</match>
<match x.**>
  @type stdout
</match>
<label @inner>
  <match x.one>
    @type stdout
  </match>
</label>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: records_for(p.stdout(), "x.one") and records_for(p.stdout(), "x.two"),
                   message="x.one and x.two")
        wait_until(lambda: 'no patterns matched tag="y.z"' in p.stdout(),
                   message="no-match warning for y.z")
        out = p.stdout()
        # y.z entered @inner from its source and matched nothing there: dropped, not sent to the
        # top-level <match x.**> or anything else.
        self.assertEqual(records_for(out, "y.z"), [])
        self.assertEqual(p.stop(), 0)

    def test_no_match_warning_cadence(self):
        conf = sample("nobody.home", '{"a":1}', rate=40) + """
<match somebody.**>
  @type stdout
</match>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        # rate 40: 4 streams per 100 ms; after ~9 streams the 1st, 2nd, 4th and 8th have warned.
        wait_until(lambda: p.stdout().count('no patterns matched tag="nobody.home"') >= 4,
                   timeout=15, message="four no-match warnings")
        self.assertEqual(p.stop(), 0)
        warnings = p.stdout().count('no patterns matched tag="nobody.home"')
        self.assertLess(warnings, 10)  # not one per stream
        self.assertIn("[warn]: no patterns matched", p.stdout())

    def test_error_label_gets_records_a_filter_rejects(self):
        conf = sample("raw.log", '{"message":"this is not json"}') + """
<filter raw.**>
  @type parser
  key_name message
  <parse>
    @type json
  </parse>
</filter>
<match raw.**>
  @type stdout
</match>
<label @ERROR>
  <filter **>
    @type record_transformer
    <record>
      rescued true
    </record>
  </filter>
  <match **>
    @type stdout
  </match>
</label>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: records_for(p.stdout(), "raw.log"), message="rescued record")
        rec = records_for(p.stdout(), "raw.log")[0]
        self.assertEqual(rec, {"message": "this is not json", "rescued": "true"})
        self.assertEqual(p.stop(), 0)

    def test_fluent_log_label(self):
        conf = sample("app.a", '{"a":1}') + """
<match app.**>
  @type null
</match>
<label @FLUENT_LOG>
  <match fluent.**>
    @type stdout
  </match>
</label>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: records_for(p.stdout(), "fluent.info"), message="a fluent.info event")
        messages = [r["message"] for r in records_for(p.stdout(), "fluent.info")]
        self.assertTrue(any("shipper worker is now running" in m for m in messages), messages)
        self.assertEqual(set(records_for(p.stdout(), "fluent.info")[0].keys()), {"message"})
        self.assertEqual(p.stop(), 0)

    def test_top_level_match_all_captures_own_log(self):
        conf = sample("app.a", '{"a":1}') + """
<match **>
  @type stdout
</match>
"""
        p = self.start(conf, args=["--suppress-config-dump"])
        wait_until(lambda: records_for(p.stdout(), "fluent.info"), message="fluent.info captured")
        self.assertIn("to capture fluentd logs in top level is deprecated", p.stdout())
        self.assertEqual(p.stop(), 0)

    def test_stdout_format_matches_fluentd(self):
        conf = sample("fmt.t", '{"s":"café 日本語 / \\"q\\" \\\\ \\t","n":1.5,"i":-3,"b":true,"z":null,"a":[1,{"x":"y"}]}') + """
<match fmt.**>
  @type stdout
</match>
"""
        p = self.start(conf, args=["--suppress-config-dump"], env={"TZ": "UTC"})
        wait_until(lambda: records_for(p.stdout(), "fmt.t"), message="formatted record")
        line = [l for l in p.stdout().splitlines() if " fmt.t: " in l][0]
        self.assertRegex(line, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 fmt\.t: ")
        body = line.split(" fmt.t: ", 1)[1]
        self.assertEqual(
            body,
            '{"s":"café 日本語 / \\"q\\" \\\\ \\t","n":1.5,"i":-3,"b":true,"z":null,"a":[1,{"x":"y"}]}')
        self.assertEqual(p.stop(), 0)


if __name__ == "__main__":
    unittest.main()
