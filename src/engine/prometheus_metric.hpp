#pragma once
// The `<metric>` sections of fluent-plugin-prometheus's filter and output: each instruments every
// event of a batch into a stored family (counter: +1 or +key, gauge: key, summary and histogram:
// observe key), with label values that are literals, placeholders (${tag}, ${tag_parts[N]},
// ${tag_prefix[N]}, ${tag_suffix[N]}, ${hostname}, ${worker_id}, ${record_key}) or record
// accessors ($.a.b). Shared by plugins/filter_prometheus and plugins/out_prometheus.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/schema.hpp"
#include "core/event_batch.hpp"
#include "core/record_accessor.hpp"
#include "engine/metrics_store.hpp"

namespace shipper::prometheus_metric {

struct MetricParams {
  std::optional<std::string> name;
  std::optional<std::string> type;
  std::optional<std::string> desc;
  std::optional<std::string> key;
  std::optional<std::string> buckets;
  bool initialized = false;
  config::FreeFormSection labels;
  std::vector<config::FreeFormSection> initlabels;
  static void describe(config::Schema<MetricParams>& s);
};

// The plugin's parameters: <metric> sections and top-level <labels>.
struct Params {
  std::vector<MetricParams> metrics;
  config::FreeFormSection labels;
  static void describe(config::Schema<Params>& s);
};

// One label: a whole-value record accessor, or a template with placeholders.
struct LabelValue {
  std::optional<RecordAccessor> accessor;
  std::string text;         // the template when no accessor
  bool per_record = false;  // needs the record (accessor or ${record_key})
};

class Metric {
 public:
  Metric(std::shared_ptr<metrics::StoredFamily> family, std::optional<RecordAccessor> key,
         std::vector<LabelValue> labels)
      : family_(std::move(family)), key_(std::move(key)), labels_(std::move(labels)) {
    for (const auto& l : labels_) per_record_ |= l.per_record;
  }
  // Instruments every event of `batch`; returns how many events could not be instrumented
  // (a key whose value is not a number).
  size_t instrument(const EventBatch& batch, const std::string& hostname, int worker_id,
                    std::string* first_error) const;
  metrics::StoredFamily& family() const { return *family_; }

 private:
  void expand_labels(const std::string& tag, const MpValue* record, const std::string& hostname,
                     int worker_id, std::vector<std::string>& out) const;
  std::shared_ptr<metrics::StoredFamily> family_;
  std::optional<RecordAccessor> key_;
  std::vector<LabelValue> labels_;
  bool per_record_ = false;
};

// Builds the metrics of a filter or output; throws config::ConfigException on Fluentd's errors.
std::vector<Metric> build_metrics(const Params& p, const config::Element* element, int workers);

// Fluentd's placeholder expansion of one template for `tag` (and `record` for ${key}).
std::string expand(const std::string& tmpl, const std::string& tag, const MpValue* record,
                   const std::string& hostname, int worker_id);

}  // namespace shipper::prometheus_metric
