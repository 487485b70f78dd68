#include "engine/metrics_text.hpp"

#include <charconv>
#include <cmath>

#include "core/utf8.hpp"

namespace shipper::metrics {

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

void Family::add_histogram(const Labels& labels, const HistogramReport& h) {
  for (size_t i = 0; i < h.bounds.size() && i < h.counts.size(); ++i) {
    Labels l = labels;
    std::string le;
    append_value(le, h.bounds[i]);
    l.emplace_back("le", std::move(le));
    samples_.push_back({"_bucket", std::move(l), static_cast<double>(h.counts[i])});
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  samples_.push_back({"_bucket", std::move(inf), static_cast<double>(h.count)});
  samples_.push_back({"_sum", labels, h.sum});
  samples_.push_back({"_count", labels, static_cast<double>(h.count)});
}

void Family::add_summary(const Labels& labels, double sum, uint64_t count) {
  samples_.push_back({"_sum", labels, sum});
  samples_.push_back({"_count", labels, static_cast<double>(count)});
}

Family& MetricsText::family(std::string_view name, MetricType type, std::string_view help) {
  for (auto& f : families_)
    if (f.name() == name) return f;
  families_.emplace_back(std::string(name), type, std::string(help));
  return families_.back();
}

namespace {

// Copies valid UTF-8 through `escape`, and every invalid byte as U+FFFD (the format is UTF-8).
template <class Escape>
void append_scrubbed(std::string& out, std::string_view s, Escape escape) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      escape(out, s[i]);
      ++i;
      continue;
    }
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
}

void append_labels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped_label_value(out, v);
    out += '"';
  }
  out += '}';
}

}  // namespace

void append_escaped_label_value(std::string& out, std::string_view value) {
  append_scrubbed(out, value, [](std::string& o, char c) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '"')
      o += "\\\"";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  });
}

void append_escaped_help(std::string& out, std::string_view help) {
  append_scrubbed(out, help, [](std::string& o, char c) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  });
}

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  // Integral values below 2^53 print without a fraction or exponent ("1024", not "1.024e+03").
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
    out.append(buf, r.ptr);
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, value);  // shortest text that reads back exactly
  out.append(buf, r.ptr);
}

std::string sanitize_name(std::string_view name, bool allow_colon) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    out += ok ? c : '_';
  }
  if (out.empty()) out.push_back('_');
  return out;
}

std::string MetricsText::render() const {
  std::string out;
  out.reserve(256 * families_.size());
  for (const auto& f : families_) {
    out += "# HELP ";
    out += f.name();
    out += ' ';
    append_escaped_help(out, f.help());
    out += "\n# TYPE ";
    out += f.name();
    out += ' ';
    out += type_name(f.type());
    out += '\n';
    for (const auto& s : f.samples()) {
      out += f.name();
      out += s.suffix;
      append_labels(out, s.labels);
      out += ' ';
      append_value(out, s.value);
      out += '\n';
    }
  }
  return out;
}

}  // namespace shipper::metrics
