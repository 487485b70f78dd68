#include "buffer/placeholders.hpp"

#include <time.h>

#include <algorithm>
#include <regex>
#include <set>

namespace shipper::buffer {

std::string format_time(std::string_view fmt, int64_t t, int64_t utc_offset) {
  time_t shifted = static_cast<time_t>(t + utc_offset);
  tm tmv{};
  gmtime_r(&shifted, &tmv);
  // %z must print the zone's offset, not +0000: substitute it before strftime.
  std::string f(fmt);
  char z[8];
  int64_t a = utc_offset < 0 ? -utc_offset : utc_offset;
  std::snprintf(z, sizeof z, "%c%02d%02d", utc_offset < 0 ? '-' : '+', static_cast<int>(a / 3600),
                static_cast<int>(a % 3600 / 60));
  for (size_t p = 0; (p = f.find("%z", p)) != std::string::npos;) {
    if (p > 0 && f[p - 1] == '%') {
      p += 2;
      continue;
    }
    f.replace(p, 2, z);
  }
  std::string out(f.size() * 4 + 64, '\0');
  size_t n = strftime(out.data(), out.size(), f.c_str(), &tmv);
  out.resize(n);
  return out;
}

int64_t time_placeholder_granularity(std::string_view s) {
  // As Fluentd: format a base time and base + 1 s / 1 min / 1 h / 1 d; the first step that
  // changes the text is the granularity.
  const int64_t base = 1451606400;  // 2016-01-01 00:00:00 UTC
  std::string base_text = format_time(s, base, 0);
  for (int64_t sec : {1, 60, 3600, 86400})
    if (format_time(s, base + sec, 0) != base_text) return sec;
  return 0;
}

static bool unsafe_path_value(std::string_view v) {
  if (v.empty()) return false;
  if (v[0] == '/') return true;
  if (v == "..") return true;
  if (v.find("../") != std::string_view::npos || v.find("/..") != std::string_view::npos)
    return true;
  return false;
}

static std::vector<std::string> split_tag(const std::string& tag) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = tag.find('.', start);
    parts.push_back(tag.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

Result<std::string> expand_placeholders(std::string_view tmpl, const ChunkMetadata& meta,
                                        const ChunkKeys& keys, std::string_view chunk_id_hex,
                                        std::string* warnings) {
  std::string s(tmpl);
  if (meta.timekey) s = format_time(s, *meta.timekey, keys.utc_offset);
  std::string out;
  out.reserve(s.size() + 32);
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = s.find('}', i + 2);
      if (end == std::string::npos) {
        out.append(s, i, std::string::npos);
        break;
      }
      std::string name = s.substr(i + 2, end - i - 2);
      std::optional<std::string> value;
      bool known = false;
      if (name == "chunk_id") {
        value = std::string(chunk_id_hex);
        known = true;
      } else if (name == "tag" && meta.tag) {
        value = *meta.tag;
        known = true;
      } else if (name.rfind("tag[", 0) == 0 && name.back() == ']' && meta.tag) {
        auto parts = split_tag(*meta.tag);
        try {
          int idx = std::stoi(name.substr(4, name.size() - 5));
          int n = static_cast<int>(parts.size());
          if (idx < 0) idx += n;
          if (idx >= 0 && idx < n) {
            value = parts[idx];
            known = true;
          }
        } catch (...) {
        }
      } else if (meta.variables) {
        for (const auto& [k, v] : *meta.variables)
          if (k == name) {
            value = v.value_or("");
            known = true;
          }
      }
      if (!known) {
        if (warnings)
          *warnings += "chunk key placeholder '" + name +
                       "' not replaced. template:" + std::string(tmpl) + "\n";
        // ${tag…} without a tag key stays as written, as Fluentd leaves it; others become "".
        if (name.rfind("tag", 0) == 0 && !meta.tag) out.append(s, i, end - i + 1);
      } else {
        if (unsafe_path_value(*value))
          return error(StatusCode::kInvalidArgument,
                       "Fluent::UnrecoverableError: placeholder value '" + *value +
                           "' would make the path escape. template:" + std::string(tmpl));
        out += *value;
      }
      i = end + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

std::string validate_placeholders(std::string_view name, std::string_view str,
                                  const ChunkKeys& keys) {
  std::string head = "Parameter '" + std::string(name) + ": " + std::string(str) + "'";
  int64_t sec = time_placeholder_granularity(str);
  int64_t timekey = keys.time ? keys.timekey : 0;
  if (timekey || sec) {
    if (!sec && timekey)
      return head + " doesn't have timestamp placeholders for timekey " + std::to_string(timekey);
    if (sec && !timekey)
      return head + " has timestamp placeholders, but chunk key 'time' is not configured";
    if (sec && timekey && timekey < sec) {
      const char* title = sec == 1 ? "second" : sec == 60 ? "minute" : sec == 3600 ? "hour" : "day";
      const char* example = sec == 1 ? "%S" : sec == 60 ? "%M" : sec == 3600 ? "%H" : "%d";
      return head + " doesn't have timestamp placeholder for " + title + "('" + example +
             "') for timekey " + std::to_string(timekey);
    }
  }
  static const std::regex tag_re(R"(\$\{tag(?:\[-?\d+\])?\})");
  static const std::regex key_re(R"(\$\{([^}]+)\})");
  bool has_tag = std::regex_search(std::string(str), tag_re);
  if (keys.tag && !has_tag) return head + " doesn't have tag placeholder";
  if (!keys.tag && has_tag)
    return head + " has tag placeholders, but chunk key 'tag' is not configured";
  std::set<std::string> used;
  std::string s(str);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), key_re); it != std::sregex_iterator();
       ++it) {
    std::string k = (*it)[1];
    if (k == "tag" || k.rfind("tag[", 0) == 0 || k == "chunk_id") continue;
    used.insert(k);
  }
  std::set<std::string> chunk(keys.record_keys.begin(), keys.record_keys.end());
  std::vector<std::string> missing, unknown;
  std::set_difference(chunk.begin(), chunk.end(), used.begin(), used.end(),
                      std::back_inserter(missing));
  std::set_difference(used.begin(), used.end(), chunk.begin(), chunk.end(),
                      std::back_inserter(unknown));
  auto join = [](const std::vector<std::string>& v) {
    std::string r;
    for (size_t i = 0; i < v.size(); ++i) r += (i ? "," : "") + v[i];
    return r;
  };
  if (!missing.empty()) return head + " doesn't have enough placeholders for keys " + join(missing);
  if (!unknown.empty()) return head + " has unknown placeholders: " + join(unknown);
  return "";
}

}  // namespace shipper::buffer
