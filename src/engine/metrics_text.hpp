#pragma once
// Prometheus text exposition format 0.0.4: what /metrics answers. A scrape collects families
// (name, type, help, samples) into a MetricsText, which writes each family's HELP and TYPE line
// once, then its samples; families with the same name that were added separately are merged.
//
//   MetricsText m;
//   auto& f = m.family("fluentd_output_status_retry_count", MetricType::kGauge,
//                      "Current retry counts.");
//   f.add({{"plugin_id", "out_fwd"}, {"type", "forward"}}, 3);
//   std::string body = m.render();
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/plugin_report.hpp"

namespace shipper::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram, kSummary, kUntyped };
const char* type_name(MetricType t);

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string suffix;  // "", "_bucket", "_sum", "_count"
  Labels labels;
  double value = 0;
};

class Family {
 public:
  Family(std::string name, MetricType type, std::string help)
      : name_(std::move(name)), type_(type), help_(std::move(help)) {}
  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::string& help() const { return help_; }
  const std::vector<Sample>& samples() const { return samples_; }

  // One sample of a counter, gauge or untyped family.
  void add(Labels labels, double value) { samples_.push_back({"", std::move(labels), value}); }
  // A histogram's _bucket{le=...} samples (cumulative, ending with +Inf), _sum and _count.
  void add_histogram(const Labels& labels, const HistogramReport& h);
  // A summary without quantiles: _sum and _count.
  void add_summary(const Labels& labels, double sum, uint64_t count);

 private:
  std::string name_;
  MetricType type_;
  std::string help_;
  std::vector<Sample> samples_;
};

class MetricsText {
 public:
  // The family of that name, created on first use; the reference stays valid while more are
  // added. The first registration's type and help win, as in Prometheus client registries.
  Family& family(std::string_view name, MetricType type, std::string_view help);
  const std::deque<Family>& families() const { return families_; }
  std::string render() const;

 private:
  std::deque<Family> families_;  // a deque: references stay valid as families are added
};

// Formatting pieces, exposed for tests.
void append_escaped_label_value(std::string& out, std::string_view value);  // \\ \" \n
void append_escaped_help(std::string& out, std::string_view help);          // \\ \n
void append_value(std::string& out, double value);  // Go's strconv 'g'-like; +Inf -Inf NaN
// Replaces characters a metric or label name may not hold ([a-zA-Z_:][a-zA-Z0-9_:]*) with '_'.
std::string sanitize_name(std::string_view name, bool allow_colon = true);

}  // namespace shipper::metrics
