#include "plugins/in_monitor_agent/plugin_info.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>

#include "engine/plugin.hpp"
#include "plugins/in_monitor_agent/info_value.hpp"

using namespace shipper;
using namespace shipper::in_monitor_agent;

namespace {

class FakeOutput : public Output {
 public:
  Status emit(const EventBatch&) override { return Status::ok(); }
  void report(PluginReport& r) const override {
    r.set("buffer_queue_length", 2);
    r.set("buffer_total_queued_size", 300);
    r.set("retry_count", 5);
    r.set("emit_records", 10);
    r.set("write_count", 7);
    r.set("buffer_available_buffer_space_ratios", 99.96);
    r.set("buffer_oldest_timekey", 1700000000);
    r.set("buffer_newest_timekey", 1700000060);
    r.set("flushed_retry_count", 1);
    if (retrying) r.retry = RetryReport{0, 3, 60, false};
  }
  bool retrying = true;
};

class FakeInput : public Input {
 public:
  void report(PluginReport& r) const override {
    r.tail_files.push_back({"/var/log/a.log", 42, 100, 250, false});
  }
};

std::vector<std::string> keys(const InfoValue& v) {
  std::vector<std::string> out;
  for (const auto& [k, _] : *v.as_object()) out.push_back(k);
  return out;
}

struct UtcZone {
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

}  // namespace

TEST_CASE("InfoValue renders Ruby's JSON, pretty JSON and LTSV text", "[monitor_agent]") {
  InfoValue o = InfoValue::object();
  o.set("id", "a\"b");
  o.set("n", InfoValue::count(3.0));
  o.set("ratio", 100.0);
  o.set("nil", InfoValue());
  o.set("list", InfoValue(InfoValue::Array{InfoValue("x"), InfoValue(1)}));
  o.set("empty", InfoValue::object());
  o.set("n", InfoValue::count(4.0));  // replaced in place, position kept
  CHECK(o.to_json() == R"({"id":"a\"b","n":4,"ratio":100.0,"nil":null,"list":["x",1],"empty":{}})");
  CHECK(o.to_json(true) ==
        "{\n  \"id\": \"a\\\"b\",\n  \"n\": 4,\n  \"ratio\": 100.0,\n  \"nil\": null,\n"
        "  \"list\": [\n    \"x\",\n    1\n  ],\n  \"empty\": {}\n}");
  CHECK(ltsv_line(o) == "id:a\"b\tn:4\tratio:100.0\tnil:");
  CHECK(InfoValue(InfoValue::Array{InfoValue("/etc/fluent/plugin")}).to_text() ==
        "[\"/etc/fluent/plugin\"]");
  CHECK(InfoValue::count(2.5).to_json() == "2.5");
}

TEST_CASE("an output's fields come in Fluentd's order", "[monitor_agent]") {
  UtcZone utc;
  FakeOutput out;
  PluginContext ctx;
  ctx.id = "out_es";
  ctx.has_explicit_id = true;
  ctx.type = "forward";
  ctx.kind = config::PluginKind::kOutput;
  PluginEntry entry{&ctx, &out, nullptr};
  InfoOptions opt;
  InfoValue v = plugin_info(entry, opt);
  CHECK(keys(v) == std::vector<std::string>{
                       "plugin_id", "plugin_category", "type", "config", "output_plugin",
                       "buffer_queue_length", "buffer_timekeys", "buffer_total_queued_size",
                       "retry_count", "emit_records", "write_count",
                       "buffer_available_buffer_space_ratios", "buffer_oldest_timekey",
                       "buffer_newest_timekey", "flushed_retry_count", "retry"});
  CHECK(v.find("buffer_timekeys")->to_json() == "[1700000000,1700000060]");
  CHECK(v.find("buffer_available_buffer_space_ratios")->to_json() == "100.0");
  CHECK(
      v.find("retry")->to_json() ==
      R"({"start":"1970-01-01 00:00:00 +0000","steps":3,"next_time":"1970-01-01 00:01:00 +0000"})");
  CHECK(ltsv_line(v).rfind("plugin_id:out_es\tplugin_category:output\ttype:forward\t"
                           "output_plugin:true\tbuffer_queue_length:2\tbuffer_total_queued_size:300"
                           "\tretry_count:5\t",
                           0) == 0);

  out.retrying = false;
  opt.with_config = false;
  opt.ivars = std::vector<std::string>{"id", "num_errors", "missing"};
  v = plugin_info(entry, opt);
  CHECK(v.find("config") == nullptr);
  CHECK(v.find("retry")->to_json() == "{}");
  CHECK(v.find("instance_variables")->to_json() == R"({"id":"out_es","num_errors":5})");
  opt.with_retry = false;
  CHECK(plugin_info(entry, opt).find("retry") == nullptr);
}

TEST_CASE("inputs report emits, null retry_count and tail files", "[monitor_agent]") {
  FakeInput in;
  EmitCounters emits;
  emits.records.add(12);
  emits.size.add(345);
  emits.count.add(2);
  PluginContext ctx;
  ctx.id = "object:1f";
  ctx.type = "tail";
  ctx.kind = config::PluginKind::kInput;
  PluginEntry entry{&ctx, &in, &emits};
  InfoOptions opt;
  opt.with_config = false;
  InfoValue v = plugin_info(entry, opt);
  CHECK(v.to_json() ==
        R"({"plugin_id":"object:1f","plugin_category":"input","type":"tail","output_plugin":false,)"
        R"("retry_count":null,"emit_records":12,"emit_size":345,"emit_count":2,"tail_files":)"
        R"([{"path":"/var/log/a.log","inode":42,"pos":100,"size":250,"lag":150,"closed":false}]})");
  opt.with_tail_files = false;
  CHECK(plugin_info(entry, opt).find("tail_files") == nullptr);
}
