#include "engine/metrics_store.hpp"

#include <algorithm>

#include "engine/metrics_registry.hpp"

namespace shipper::metrics {

std::vector<double> default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

StoredFamily::Cell& StoredFamily::cell(const std::vector<std::string>& labels) {
  auto it = cells_.find(labels);
  if (it != cells_.end()) return it->second;
  Cell& c = cells_[labels];
  if (spec_.type == MetricType::kHistogram) c.buckets.assign(spec_.buckets.size(), 0);
  return c;
}

void StoredFamily::apply(const std::vector<Update>& updates) {
  std::lock_guard lock(mu_);
  for (const auto& u : updates) {
    Cell& c = cell(u.labels);
    switch (spec_.type) {
      case MetricType::kCounter:
        c.value += u.value;
        break;
      case MetricType::kGauge:
      case MetricType::kUntyped:
        c.value = u.value;
        break;
      case MetricType::kHistogram:
        for (size_t i = 0; i < spec_.buckets.size(); ++i)
          if (u.value <= spec_.buckets[i]) ++c.buckets[i];
        [[fallthrough]];
      case MetricType::kSummary:
        c.sum += u.value;
        ++c.count;
        break;
    }
  }
}

void StoredFamily::init_series(const std::vector<std::string>& labels) {
  std::lock_guard lock(mu_);
  cell(labels);
}

size_t StoredFamily::series_count() const {
  std::lock_guard lock(mu_);
  return cells_.size();
}

void StoredFamily::render_into(MetricsText& out) const {
  Family& f = out.family(spec_.name, spec_.type, spec_.help);
  std::lock_guard lock(mu_);
  for (const auto& [values, c] : cells_) {
    Labels l;
    for (size_t i = 0; i < spec_.label_names.size() && i < values.size(); ++i)
      l.emplace_back(spec_.label_names[i], values[i]);
    switch (spec_.type) {
      case MetricType::kHistogram: {
        HistogramReport h;
        h.bounds = spec_.buckets;
        h.counts = c.buckets;
        h.count = c.count;
        h.sum = c.sum;
        f.add_histogram(l, h);
        break;
      }
      case MetricType::kSummary:
        f.add_summary(l, c.sum, c.count);
        break;
      default:
        f.add(std::move(l), c.value);
    }
  }
}

Store::Store() {
  // Registered once for the life of the process: the store renders into every scrape.
  static CollectorHandle handle([this](MetricsText& out) { render_into(out); });
}

Store& Store::instance() {
  static Store store;
  return store;
}

std::shared_ptr<StoredFamily> Store::get_or_create(const StoredSpec& spec, std::string& error) {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    if (f->spec().name != spec.name) continue;
    if (f->spec().type != spec.type) {
      error = spec.name + " has already been registered as " + type_name(f->spec().type) + " type";
      return nullptr;
    }
    if (f->spec().help != spec.help) {
      error = spec.name + " has already been registered with different docstring";
      return nullptr;
    }
    if (f->spec().label_names != spec.label_names) {
      error = spec.name + " has already been registered with different labels";
      return nullptr;
    }
    return f;
  }
  families_.push_back(std::make_shared<StoredFamily>(spec));
  return families_.back();
}

void Store::render_into(MetricsText& out) const {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render_into(out);
}

}  // namespace shipper::metrics
