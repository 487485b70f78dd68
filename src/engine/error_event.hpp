#pragma once
// Fluentd's router.emit_error_event: a record a plugin could not process (a filter that fails on
// it, a parser error). With <label @ERROR> the record goes there with its tag, logged as
// `send an error event to @ERROR:`; without, it is dropped and logged as `dump an error event:`
// with the record. Callers rate-limit when the cause can repeat per record.
#include <string_view>

#include "core/event_time.hpp"
#include "engine/plugin.hpp"

namespace shipper {

void emit_error_event(const PluginContext& ctx, std::string_view tag, EventTime time,
                      std::string_view record_msgpack, std::string_view error);

}  // namespace shipper
