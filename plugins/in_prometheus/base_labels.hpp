#pragma once
// The `<labels>` section of the monitor inputs (fluent-plugin-prometheus's base labels): fixed
// label values, where ${hostname} and ${worker_id} are expanded once at configure time. Record
// accessors ($.key) have no record to read here and are refused, as the Ruby plugins do. Header
// only, so the monitor plugins share it without linking each other.
#include <unistd.h>

#include <string>
#include <string_view>

#include "config/diagnostic.hpp"
#include "config/schema.hpp"
#include "engine/metrics_text.hpp"
#include "engine/plugin.hpp"

namespace shipper::prometheus {

inline std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// Replaces ${hostname} and ${worker_id}; other ${...} stay as written.
inline std::string expand_placeholders(std::string_view value, const std::string& hostname,
                                       int worker_id) {
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 11, "${hostname}") == 0) {
      out += hostname;
      i += 11;
    } else if (value.compare(i, 12, "${worker_id}") == 0) {
      out += std::to_string(worker_id);
      i += 12;
    } else {
      out += value[i++];
    }
  }
  return out;
}

inline bool is_record_accessor(std::string_view v) {
  return v.substr(0, 2) == "$." || v.substr(0, 2) == "$[";
}

// For describe(): refuses `$.key` label values in a monitor input's <labels>.
inline void check_static_labels(const config::FreeFormSection& labels, std::string_view type,
                                const config::Element& e, config::BindContext& ctx) {
  if (!labels.present() || !ctx.diags) return;
  for (const auto& p : labels.element->params)
    if (is_record_accessor(p.value))
      ctx.diags->error(p.value_loc, "config-error",
                       "record accessor syntax is not available in " + std::string(type), "");
}

// The base labels in order, with `worker_id` added when several workers run (as the plugins do).
inline metrics::Labels base_labels(const config::FreeFormSection& labels,
                                   const PluginContext& ctx) {
  int workers = ctx.system ? ctx.system->workers : 1;
  std::string host = host_name();
  metrics::Labels out;
  for (const auto& [k, v] : labels.entries)
    out.emplace_back(metrics::sanitize_name(k, false), expand_placeholders(v, host, 0));
  if (workers > 1) out.emplace_back("worker_id", "0");
  return out;
}

inline metrics::Labels with(metrics::Labels base,
                            std::initializer_list<std::pair<const char*, std::string>> more) {
  for (const auto& [k, v] : more) base.emplace_back(k, v);
  return base;
}

}  // namespace shipper::prometheus
