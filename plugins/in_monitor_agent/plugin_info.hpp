#pragma once
// What monitor_agent says about one plugin, in Fluentd's field order (get_monitor_info):
//   plugin_id, plugin_category, type, [config], output_plugin,
//   [buffer_queue_length, buffer_timekeys, buffer_total_queued_size]   (buffered outputs)
//   retry_count                                                          (null unless output)
//   statistics: inputs emit_records, emit_size; outputs emit_records, emit_size, emit_count,
//   write_count, write_secondary_count, rollback_count, slow_flush_count, flush_time_count,
//   drop_oldest_chunk_count, buffer_stage_length, buffer_stage_byte_size, buffer_queue_byte_size,
//   buffer_available_buffer_space_ratios, buffer_oldest_timekey, buffer_newest_timekey
//   shipper's extra counters, tail_files, dropped_by_reason
//   [retry] (outputs), [instance_variables]
#include <optional>
#include <string>
#include <vector>

#include "engine/plugin_report.hpp"
#include "plugins/in_monitor_agent/info_value.hpp"

namespace shipper::in_monitor_agent {

struct InfoOptions {
  bool with_config = true;
  bool with_retry = true;
  bool with_debug_info = false;                   // ?debug: every counter as instance_variables
  std::optional<std::vector<std::string>> ivars;  // ?with_ivars=a,b
  bool with_tail_files = true;                    // false for emitted events
};

InfoValue plugin_info(const PluginEntry& entry, const InfoOptions& options);

// The plugin's section as written (Fluentd's pe.config), parameters declared secret masked.
InfoValue plugin_config(const PluginContext& ctx);

// Ruby's Time#to_s in local time: "2025-05-29 16:05:36 +0900".
std::string ruby_time(double epoch_seconds);

}  // namespace shipper::in_monitor_agent
