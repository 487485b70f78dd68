#pragma once
#include <string>

namespace shipper::config {

enum class PluginKind { kInput, kOutput, kFilter, kParser, kFormatter, kBuffer, kStorage };
// "input", "output", … as Fluentd names them in "Unknown input plugin 'x'".
const char* plugin_kind_name(PluginKind kind);

}  // namespace shipper::config
