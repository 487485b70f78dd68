#include "core/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>

namespace shipper {

namespace {

int64_t read_be(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
          c == '+'))
      return false;
  return true;
}

}  // namespace

TimeZone TimeZone::fixed(int32_t offset_seconds) {
  TimeZone z(Kind::kFixed);
  z.fixed_offset_ = offset_seconds;
  return z;
}

std::optional<TimeZone> TimeZone::named(std::string_view name) {
  if (!valid_zone_name(name)) return std::nullopt;
  const char* dir = std::getenv("TZDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t size = data.size();
  auto parse_block = [&](size_t off, int time_size, Rules& r, size_t& end) -> bool {
    if (off + 44 > size || std::string_view(data.data() + off, 4) != "TZif") return false;
    int64_t isutcnt = read_be(p + off + 20, 4), isstdcnt = read_be(p + off + 24, 4);
    int64_t leapcnt = read_be(p + off + 28, 4), timecnt = read_be(p + off + 32, 4);
    int64_t typecnt = read_be(p + off + 36, 4), charcnt = read_be(p + off + 40, 4);
    size_t q = off + 44;
    size_t need = timecnt * time_size + timecnt + typecnt * 6 + charcnt +
                  leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    if (q + need > size || typecnt <= 0) return false;
    r.transitions.resize(timecnt);
    r.type_index.resize(timecnt);
    for (int64_t i = 0; i < timecnt; ++i)
      r.transitions[i] = read_be(p + q + i * time_size, time_size);
    q += timecnt * time_size;
    for (int64_t i = 0; i < timecnt; ++i) r.type_index[i] = p[q + i];
    q += timecnt;
    r.type_offsets.resize(typecnt);
    for (int64_t i = 0; i < typecnt; ++i)
      r.type_offsets[i] = static_cast<int32_t>(read_be(p + q + i * 6, 4));
    r.initial_offset = r.type_offsets[0];
    for (auto& idx : r.type_index)
      if (idx >= typecnt) idx = 0;
    end = q + typecnt * 6 + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    return true;
  };
  auto rules = std::make_shared<Rules>();
  size_t end = 0;
  if (!parse_block(0, 4, *rules, end)) return std::nullopt;
  if (data.size() > 4 && data[4] >= '2') {
    Rules v2;
    size_t end2 = 0;
    if (parse_block(end, 8, v2, end2)) *rules = std::move(v2);
  }
  TimeZone z(Kind::kNamed);
  z.rules_ = std::move(rules);
  return z;
}

std::optional<TimeZone> TimeZone::parse_fluentd(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int sign = s[0] == '-' ? -1 : 1;
    std::string_view d = s.substr(1);
    auto digits = [](std::string_view x) {
      return !x.empty() &&
             std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    int h = -1, m = 0;
    if (d.size() == 2 && digits(d)) {
      h = std::stoi(std::string(d));
    } else if (d.size() == 4 && digits(d)) {
      h = std::stoi(std::string(d.substr(0, 2)));
      m = std::stoi(std::string(d.substr(2)));
    } else if (d.size() == 5 && d[2] == ':' && digits(d.substr(0, 2)) && digits(d.substr(3))) {
      h = std::stoi(std::string(d.substr(0, 2)));
      m = std::stoi(std::string(d.substr(3)));
    }
    if (h < 0 || m > 59) return std::nullopt;
    return fixed(sign * (h * 3600 + m * 60));
  }
  if (s.find('/') == std::string_view::npos) return std::nullopt;
  return named(s);
}

int32_t TimeZone::offset_at(int64_t utc) const {
  switch (kind_) {
    case Kind::kFixed:
      return fixed_offset_;
    case Kind::kNamed: {
      const Rules& r = *rules_;
      auto it = std::upper_bound(r.transitions.begin(), r.transitions.end(), utc);
      if (it == r.transitions.begin()) return r.initial_offset;
      return r.type_offsets[r.type_index[(it - r.transitions.begin()) - 1]];
    }
    case Kind::kLocal: {
      time_t t = static_cast<time_t>(utc);
      struct tm tm {};
      localtime_r(&t, &tm);
      return static_cast<int32_t>(tm.tm_gmtoff);
    }
  }
  return 0;
}

int64_t TimeZone::wall_to_epoch(int64_t wall) const {
  switch (kind_) {
    case Kind::kFixed:
      return wall - fixed_offset_;
    case Kind::kNamed:
      return wall - offset_at(wall);
    case Kind::kLocal: {
      time_t t = static_cast<time_t>(wall);
      struct tm tm {};
      gmtime_r(&t, &tm);
      tm.tm_isdst = -1;
      return static_cast<int64_t>(mktime(&tm));
    }
  }
  return wall;
}

}  // namespace shipper
