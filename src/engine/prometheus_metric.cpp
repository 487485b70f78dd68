#include "engine/prometheus_metric.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "config/diagnostic.hpp"
#include "core/record_view.hpp"

namespace shipper::prometheus_metric {

void MetricParams::describe(config::Schema<MetricParams>& s) {
  s.param("name", &MetricParams::name).help("metric name (required)");
  s.param("type", &MetricParams::type).help("counter, gauge, summary or histogram (required)");
  s.param("desc", &MetricParams::desc).help("help text (required)");
  s.param("key", &MetricParams::key).help("record key (or $.path) whose value is instrumented");
  s.param("buckets", &MetricParams::buckets).help("histogram bucket bounds: 0.1, 1, 5");
  s.param("initialized", &MetricParams::initialized)
      .help("expose the metric with value 0 before any event");
  s.free_form_section("labels", &MetricParams::labels).help("labels of this metric");
  s.free_form_section("initlabels", &MetricParams::initlabels)
      .help("label values to initialize placeholder and record accessor labels with");
}

void Params::describe(config::Schema<Params>& s) {
  s.section("metric", &Params::metrics).help("a metric to instrument from each event");
  s.free_form_section("labels", &Params::labels).help("labels of every metric");
}

namespace {

[[noreturn]] void fail(const config::Element* e, std::string message) {
  throw config::ConfigException{{e ? e->loc : config::Location{}, config::Severity::kError,
                                 "config-error", std::move(message), ""}};
}

bool is_accessor(const std::string& v) {
  return v.rfind("$.", 0) == 0 || v.rfind("$[", 0) == 0;
}

std::vector<std::string> split_tag(const std::string& tag) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = tag.find('.', start);
    parts.push_back(tag.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool record_placeholder(const std::string& tmpl) {
  size_t i = 0;
  while ((i = tmpl.find("${", i)) != std::string::npos) {
    size_t end = tmpl.find('}', i);
    if (end == std::string::npos) break;
    std::string name = tmpl.substr(i + 2, end - i - 2);
    std::string base = name.substr(0, name.find('['));
    if (base != "tag" && base != "tag_parts" && base != "tag_prefix" && base != "tag_suffix" &&
        base != "hostname" && base != "worker_id")
      return true;
    i = end + 1;
  }
  return false;
}

std::optional<double> number_of(const MpValue& v) {
  if (v.type == MpType::kInt)
    return v.is_unsigned ? static_cast<double>(v.uinteger) : static_cast<double>(v.integer);
  if (v.type == MpType::kFloat) return v.floating;
  return std::nullopt;
}

void ruby_to_s(const MpValue& v, std::string& out) {
  if (v.is_nil() || !v.valid()) return;  // nil.to_s is ""
  if (v.is_string()) {
    out.append(v.data);
    return;
  }
  append_ruby_to_s(v, out);
}

}  // namespace

std::string expand(const std::string& tmpl, const std::string& tag, const MpValue* record,
                   const std::string& hostname, int worker_id) {
  if (tmpl.find("${") == std::string::npos) return tmpl;
  std::vector<std::string> parts;
  bool have_parts = false;
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find("${", i);
    if (open == std::string::npos) {
      out.append(tmpl, i, std::string::npos);
      break;
    }
    out.append(tmpl, i, open - i);
    size_t close = tmpl.find('}', open);
    if (close == std::string::npos) {
      out.append(tmpl, open, std::string::npos);
      break;
    }
    std::string whole = tmpl.substr(open, close + 1 - open);
    std::string name = tmpl.substr(open + 2, close - open - 2);
    i = close + 1;
    std::string base = name, index;
    if (size_t b = name.find('['); b != std::string::npos && name.back() == ']') {
      base = name.substr(0, b);
      index = name.substr(b + 1, name.size() - b - 2);
    }
    if (base == "tag" && index.empty()) {
      out += tag;
    } else if (base == "hostname" && index.empty()) {
      out += hostname;
    } else if (base == "worker_id" && index.empty()) {
      out += std::to_string(worker_id);
    } else if ((base == "tag_parts" || base == "tag_prefix" || base == "tag_suffix") &&
               !index.empty()) {
      if (!have_parts) parts = split_tag(tag), have_parts = true;
      char* end = nullptr;
      long n = std::strtol(index.c_str(), &end, 10);
      long size = static_cast<long>(parts.size());
      bool ok = end && *end == '\0';
      if (ok && base == "tag_parts" && n < 0) n += size;
      if (!ok || n < 0 || n >= size) {
        out += whole;  // unknown placeholder: kept as written
      } else if (base == "tag_parts") {
        out += parts[n];
      } else {
        // tag_prefix[n]: the first n+1 parts; tag_suffix[n]: the last n+1 parts.
        long first = base == "tag_prefix" ? 0 : size - 1 - n;
        long last = base == "tag_prefix" ? n : size - 1;
        for (long k = first; k <= last; ++k) {
          if (k != first) out += '.';
          out += parts[k];
        }
      }
    } else if (record && index.empty()) {
      MpValue v = MapView::find(*record, base);
      if (v.valid())
        ruby_to_s(v, out);
      else
        out += whole;
    } else {
      out += whole;
    }
  }
  return out;
}

void Metric::expand_labels(const std::string& tag, const MpValue* record,
                           const std::string& hostname, int worker_id,
                           std::vector<std::string>& out) const {
  out.clear();
  for (const auto& l : labels_) {
    if (l.accessor) {
      std::string v;
      MpValue found;
      if (record && l.accessor->get(*record, found) == RecordAccessor::Lookup::kFound)
        ruby_to_s(found, v);
      out.push_back(std::move(v));
    } else {
      out.push_back(expand(l.text, tag, record, hostname, worker_id));
    }
  }
}

size_t Metric::instrument(const EventBatch& batch, const std::string& hostname, int worker_id,
                          std::string* first_error) const {
  using metrics::MetricType;
  const auto type = family_->spec().type;
  std::vector<metrics::StoredFamily::Update> updates;
  size_t failed = 0;
  // A counter without key and labels that do not read the record: one update for the batch.
  if (!key_ && !per_record_) {
    updates.push_back({{}, static_cast<double>(batch.count)});
    expand_labels(batch.tag, nullptr, hostname, worker_id, updates.back().labels);
    family_->apply(updates);
    return 0;
  }
  std::vector<std::string> batch_labels;
  if (!per_record_) expand_labels(batch.tag, nullptr, hostname, worker_id, batch_labels);
  double batch_sum = 0;
  bool any = false;
  std::string_view rest = batch.entries;
  EventTime time;
  MpValue record;
  while (next_entry(rest, time, record)) {
    double v = 1;
    if (key_) {
      MpValue raw;
      if (key_->get(record, raw) != RecordAccessor::Lookup::kFound || raw.is_nil() ||
          (raw.type == MpType::kBool && !raw.boolean))
        continue;  // nil: nothing to instrument, as the Ruby plugin does
      auto n = number_of(raw);
      if (!n || (type == MetricType::kCounter && *n < 0)) {
        if (!failed++ && first_error)
          *first_error = n ? "increment must be a non-negative number" : "value must be a number";
        continue;
      }
      v = *n;
    }
    if (!per_record_ && type == MetricType::kCounter) {
      batch_sum += v;
      any = true;
      continue;
    }
    metrics::StoredFamily::Update u;
    u.value = v;
    if (per_record_)
      expand_labels(batch.tag, &record, hostname, worker_id, u.labels);
    else
      u.labels = batch_labels;
    updates.push_back(std::move(u));
  }
  if (any) updates.push_back({batch_labels, batch_sum});
  if (!updates.empty()) family_->apply(updates);
  return failed;
}

std::vector<Metric> build_metrics(const Params& p, const config::Element* element, int workers) {
  // Top-level labels first, then the metric's own (which win for the same key), as Ruby's merge.
  std::vector<std::pair<std::string, std::string>> top = p.labels.entries;
  if (workers > 1) top.emplace_back("worker_id", "${worker_id}");
  std::vector<Metric> out;
  for (const auto& m : p.metrics) {
    const config::Element* e = element;
    if (!m.name) fail(e, "metric requires 'name' option");
    if (!m.desc) fail(e, "metric requires 'desc' option");
    metrics::StoredSpec spec;
    spec.name = *m.name;
    spec.help = *m.desc;
    std::string type = m.type.value_or("");
    if (type == "counter")
      spec.type = metrics::MetricType::kCounter;
    else if (type == "gauge")
      spec.type = metrics::MetricType::kGauge;
    else if (type == "summary")
      spec.type = metrics::MetricType::kSummary;
    else if (type == "histogram")
      spec.type = metrics::MetricType::kHistogram;
    else
      fail(e, "type option must be 'counter', 'gauge', 'summary' or 'histogram'");
    if (type != "counter" && !m.key) fail(e, type + " metric requires 'key' option");
    if (spec.type == metrics::MetricType::kHistogram) {
      if (m.buckets) {
        std::string b = *m.buckets;
        size_t start = 0;
        for (;;) {
          size_t comma = b.find(',', start);
          std::string item = b.substr(start, comma - start);
          char* end = nullptr;
          double v = std::strtod(item.c_str(), &end);
          while (end && (*end == ' ' || *end == '\t')) ++end;
          if (!end || *end != '\0' || end == item.c_str()) fail(e, "invalid bucket: " + item);
          spec.buckets.push_back(v);
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        std::sort(spec.buckets.begin(), spec.buckets.end());
      } else {
        spec.buckets = metrics::default_buckets();
      }
    }
    std::vector<std::pair<std::string, std::string>> merged = top;
    for (const auto& [k, v] : m.labels.entries) {
      bool replaced = false;
      for (auto& [mk, mv] : merged)
        if (mk == k) mv = v, replaced = true;
      if (!replaced) merged.emplace_back(k, v);
    }
    std::vector<LabelValue> labels;
    for (const auto& [k, v] : merged) {
      spec.label_names.push_back(metrics::sanitize_name(k, false));
      LabelValue lv;
      if (is_accessor(v)) {
        auto a = RecordAccessor::parse(v);
        if (!a) fail(e, a.status().message());
        lv.accessor = std::move(*a);
        lv.per_record = true;
      } else {
        lv.text = v;
        lv.per_record = record_placeholder(v);
      }
      labels.push_back(std::move(lv));
    }
    std::optional<RecordAccessor> key;
    if (m.key) {
      auto a = RecordAccessor::parse(*m.key);
      if (!a) fail(e, a.status().message());
      key = std::move(*a);
    }
    std::string error;
    auto family = metrics::Store::instance().get_or_create(spec, error);
    if (!family) fail(e, error);
    Metric metric(family, std::move(key), std::move(labels));
    if (m.initialized) {
      // Static labels are known now; placeholder and accessor labels take their <initlabels>.
      std::string host;
      {
        char buf[256] = {};
        if (gethostname(buf, sizeof buf - 1) == 0) host = buf;
      }
      auto init_with = [&](const std::vector<std::pair<std::string, std::string>>& given) {
        std::vector<std::string> values;
        for (size_t i = 0; i < merged.size(); ++i) {
          const auto& [k, v] = merged[i];
          bool dynamic = is_accessor(v) || (v.find("${") != std::string::npos &&
                                            v != "${hostname}" && v != "${worker_id}");
          if (!dynamic) {
            values.push_back(expand(v, "", nullptr, host, 0));
            continue;
          }
          auto it =
              std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.first == k; });
          if (it == given.end())
            fail(e, "RecordAccessor/Placeholder key " + k + " with value " + v +
                        " has not been set in a <initlabels> for initialized metric " + spec.name);
          values.push_back(it->second);
        }
        family->init_series(values);
      };
      if (m.initlabels.empty())
        init_with({});
      else
        for (const auto& block : m.initlabels) init_with(block.entries);
    }
    out.push_back(std::move(metric));
  }
  return out;
}

}  // namespace shipper::prometheus_metric
