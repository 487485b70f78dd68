#pragma once
// Metrics whose values live in shipper (fluent-plugin-prometheus's `<metric>` sections of the
// prometheus filter and output): one process-wide store of families by name, each holding a value
// per label set. It renders itself into every scrape through the metrics registry. A family is
// shared by every section with the same name, as in the Ruby client's registry; it outlives a
// reload, so counters keep counting.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/metrics_text.hpp"

namespace shipper::metrics {

struct StoredSpec {
  std::string name;
  MetricType type = MetricType::kCounter;
  std::string help;
  std::vector<std::string> label_names;
  std::vector<double> buckets;  // histograms: upper bounds, ascending, without +Inf
};

// The Ruby client's default histogram buckets.
std::vector<double> default_buckets();

class StoredFamily {
 public:
  explicit StoredFamily(StoredSpec spec) : spec_(std::move(spec)) {}
  const StoredSpec& spec() const { return spec_; }

  // One update: label values in label_names order, and the value.
  struct Update {
    std::vector<std::string> labels;
    double value = 0;
  };
  // Applies updates under one lock: counters add, gauges set, histograms and summaries observe.
  void apply(const std::vector<Update>& updates);
  // Adds a zero series (the `initialized` option) when the label set is new.
  void init_series(const std::vector<std::string>& labels);
  void render_into(MetricsText& out) const;
  size_t series_count() const;

 private:
  struct Cell {
    double value = 0;  // counter, gauge
    std::vector<uint64_t> buckets;
    double sum = 0;
    uint64_t count = 0;
  };
  Cell& cell(const std::vector<std::string>& labels);

  StoredSpec spec_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Cell> cells_;
};

class Store {
 public:
  static Store& instance();
  // The family of that name, created when new. A family already registered with another type,
  // help text or set of labels is an error (the Ruby client raises AlreadyRegisteredError):
  // null with `error` set.
  std::shared_ptr<StoredFamily> get_or_create(const StoredSpec& spec, std::string& error);
  void render_into(MetricsText& out) const;

 private:
  Store();
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<StoredFamily>> families_;
};

}  // namespace shipper::metrics
