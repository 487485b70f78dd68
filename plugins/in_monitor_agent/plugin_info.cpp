#include "plugins/in_monitor_agent/plugin_info.hpp"

#include <cmath>
#include <ctime>

#include "engine/registry.hpp"

namespace shipper::in_monitor_agent {

namespace {

// Output statistics in Fluentd's order (Output#statistics, then the buffer's).
constexpr const char* kOutputStatistics[] = {
    "emit_records",
    "emit_size",
    "emit_count",
    "write_count",
    "write_secondary_count",
    "rollback_count",
    "slow_flush_count",
    "flush_time_count",
    "drop_oldest_chunk_count",
    "buffer_stage_length",
    "buffer_stage_byte_size",
    "buffer_queue_byte_size",
    "buffer_available_buffer_space_ratios",
    "buffer_oldest_timekey",
    "buffer_newest_timekey",
};

InfoValue number(const std::string& name, double v) {
  // Fluentd rounds the ratio to one decimal and keeps it a Float.
  if (name == "buffer_available_buffer_space_ratios") return InfoValue(std::round(v * 10) / 10);
  return InfoValue::count(v);
}

InfoValue tail_files(const std::vector<TailFileReport>& files) {
  InfoValue list = InfoValue::array();
  for (const auto& f : files) {
    InfoValue o = InfoValue::object();
    o.set("path", f.path);
    o.set("inode", static_cast<int64_t>(f.inode));
    o.set("pos", static_cast<int64_t>(f.position));
    o.set("size", static_cast<int64_t>(f.size));
    o.set("lag", static_cast<int64_t>(f.size > f.position ? f.size - f.position : 0));
    o.set("closed", f.closed);
    list.push(std::move(o));
  }
  return list;
}

}  // namespace

std::string ruby_time(double epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(std::floor(epoch_seconds));
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &tm);
  return buf;
}

InfoValue plugin_config(const PluginContext& ctx) {
  InfoValue config = InfoValue::object();
  if (!ctx.element) return config;
  const config::SectionSpec* schema = nullptr;
  if (ctx.registry)
    if (const PluginInfo* info = ctx.registry->find(ctx.kind, ctx.type)) schema = info->schema;
  for (const auto& p : ctx.element->params) {
    const config::ParamSpec* spec = schema ? schema->find_param(p.key) : nullptr;
    if (p.is_nil)
      config.set(p.key, InfoValue());
    else if (spec && spec->secret)
      config.set(p.key, "xxxxxx");
    else
      config.set(p.key, p.value);
  }
  return config;
}

InfoValue plugin_info(const PluginEntry& entry, const InfoOptions& opt) {
  const PluginContext& ctx = *entry.ctx;
  PluginReport report;
  if (entry.plugin) entry.plugin->report(report);
  const bool output = ctx.kind == config::PluginKind::kOutput;

  InfoValue obj = InfoValue::object();
  std::vector<std::string> placed;  // report numbers already written
  auto put = [&](const char* name) {
    if (auto v = report.get(name)) {
      obj.set(name, number(name, *v));
      placed.emplace_back(name);
    }
  };

  obj.set("plugin_id", ctx.id);
  obj.set("plugin_category", config::plugin_kind_name(ctx.kind));
  obj.set("type", ctx.type);
  if (opt.with_config) obj.set("config", plugin_config(ctx));
  obj.set("output_plugin", output);
  if (output && report.get("buffer_queue_length")) {
    put("buffer_queue_length");
    InfoValue keys = InfoValue::array();
    // shipper's report carries the oldest and newest timekey of the buffer's chunks.
    auto oldest = report.get("buffer_oldest_timekey");
    auto newest = report.get("buffer_newest_timekey");
    if (oldest) keys.push(InfoValue::count(*oldest));
    if (newest && (!oldest || *newest != *oldest)) keys.push(InfoValue::count(*newest));
    obj.set("buffer_timekeys", std::move(keys));
    put("buffer_total_queued_size");
  }
  if (output) {
    obj.set("retry_count", InfoValue::count(report.get("retry_count").value_or(0)));
    placed.emplace_back("retry_count");
  } else {
    obj.set("retry_count", InfoValue());
  }

  if (ctx.kind == config::PluginKind::kInput) {
    if (entry.input_emits) {
      obj.set("emit_records", static_cast<int64_t>(entry.input_emits->records.get()));
      obj.set("emit_size", static_cast<int64_t>(entry.input_emits->size.get()));
    }
  } else if (output) {
    for (const char* name : kOutputStatistics) put(name);
  } else {
    put("emit_records");
    put("emit_size");
  }
  // shipper's own counters, after Fluentd's.
  if (ctx.kind == config::PluginKind::kInput && entry.input_emits)
    obj.set("emit_count", static_cast<int64_t>(entry.input_emits->count.get()));
  for (const auto& [name, v] : report.numbers) {
    bool done = false;
    for (const auto& p : placed) done = done || p == name;
    if (!done && !obj.find(name)) obj.set(name, number(name, v));
  }
  if (opt.with_tail_files && !report.tail_files.empty())
    obj.set("tail_files", tail_files(report.tail_files));
  if (!report.dropped_by_reason.empty()) {
    InfoValue drops = InfoValue::object();
    for (const auto& [reason, n] : report.dropped_by_reason)
      drops.set(reason, static_cast<int64_t>(n));
    obj.set("dropped_by_reason", std::move(drops));
  }

  if (opt.with_retry && output) {
    InfoValue retry = InfoValue::object();
    if (report.retry) {
      retry.set("start", ruby_time(report.retry->start));
      retry.set("steps", report.retry->steps);
      retry.set("next_time", ruby_time(report.retry->next_time));
    }
    obj.set("retry", std::move(retry));
  }

  if (opt.with_debug_info || opt.ivars) {
    // shipper has no Ruby instance variables; these names map to what it keeps.
    InfoValue all = InfoValue::object();
    all.set("id", ctx.has_explicit_id ? InfoValue(ctx.id) : InfoValue());
    if (output) all.set("num_errors", InfoValue::count(report.get("retry_count").value_or(0)));
    for (const auto& [name, v] : report.numbers) all.set(name, number(name, v));
    if (opt.with_debug_info) {
      obj.set("instance_variables", std::move(all));
    } else {
      InfoValue some = InfoValue::object();
      for (const auto& name : *opt.ivars)
        if (const InfoValue* v = all.find(name)) some.set(name, *v);
      obj.set("instance_variables", std::move(some));
    }
  }
  return obj;
}

}  // namespace shipper::in_monitor_agent
