#include "buffer/chunk_keys.hpp"

#include <time.h>

#include <cstdlib>
#include <mutex>
#include <regex>
#include <sstream>

#include "core/msgpack_writer.hpp"

namespace shipper::buffer {

int64_t ChunkKeys::timekey_of(int64_t t) const {
  if (timekey <= 0) return t;
  int64_t m = (t + utc_offset) % timekey;
  if (m < 0) m += timekey;
  return t - m;
}

ChunkMetadata ChunkKeys::metadata_for(std::string_view tag_v, EventTime t,
                                      std::string_view record) const {
  ChunkMetadata m;
  if (tag) m.tag = std::string(tag_v);
  if (time) m.timekey = timekey_of(t.sec);
  if (!record_keys.empty()) {
    m.variables.emplace();
    for (size_t i = 0; i < record_keys.size(); ++i) {
      std::optional<std::string> v;
      if (auto raw = find_record_value(record, record_paths[i])) v = value_text(*raw);
      m.variables->emplace_back(record_keys[i], std::move(v));
    }
  }
  return m;
}

int64_t local_utc_offset() {
  time_t now = ::time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  return local.tm_gmtoff;
}

std::optional<int64_t> parse_utc_offset(std::string_view z) {
  if (z == "UTC" || z == "Z" || z == "GMT" || z == "utc") return 0;
  if (!z.empty() && (z[0] == '+' || z[0] == '-')) {
    std::string digits;
    for (char c : z.substr(1)) {
      if (c == ':') continue;
      if (c < '0' || c > '9') return std::nullopt;
      digits += c;
    }
    if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
    int h = std::stoi(digits.substr(0, 2));
    int m = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
    if (h > 23 || m > 59) return std::nullopt;
    int64_t off = h * 3600 + m * 60;
    return z[0] == '-' ? -off : off;
  }
  // A zone name: resolved through the system zone database with the offset in effect now.
  std::string path = "/usr/share/zoneinfo/" + std::string(z);
  if (z.find("..") != std::string_view::npos || ::access(path.c_str(), R_OK) != 0)
    return std::nullopt;
  static std::mutex mu;
  std::lock_guard lock(mu);
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", std::string(z).c_str(), 1);
  tzset();
  time_t now = ::time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  int64_t off = local.tm_gmtoff;
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
  return off;
}

Result<ChunkKeys> parse_chunk_keys(const std::vector<std::string>& keys, double timekey,
                                   bool use_utc, const std::optional<std::string>& zone) {
  ChunkKeys k;
  static const std::regex plain("^[-_.@a-zA-Z0-9]+$");
  for (const auto& raw : keys) {
    std::string key(raw);
    if (key.empty()) continue;
    if (key == "tag") {
      k.tag = true;
    } else if (key == "time") {
      k.time = true;
    } else if (key.rfind("$.", 0) == 0) {
      std::vector<std::string> path;
      std::string part;
      for (char c : key.substr(2)) {
        if (c == '.') {
          if (part.empty())
            return error(StatusCode::kInvalidArgument, "invalid record accessor: " + key);
          path.push_back(part);
          part.clear();
        } else {
          part += c;
        }
      }
      if (part.empty())
        return error(StatusCode::kInvalidArgument, "invalid record accessor: " + key);
      path.push_back(part);
      k.record_keys.push_back(key);
      k.record_paths.push_back(std::move(path));
    } else if (key.rfind("$[", 0) == 0) {
      return error(StatusCode::kInvalidArgument, "in chunk_keys: bracket notation is not allowed");
    } else if (std::regex_match(key, plain)) {
      k.record_keys.push_back(key);
      k.record_paths.push_back({key});
    } else {
      return error(StatusCode::kInvalidArgument,
                   "in chunk_keys: specified chunk key '" + key +
                       "' is invalid (only [-_.@a-zA-Z0-9] and $.a.b)");
    }
  }
  if (k.time) {
    if (timekey <= 0)
      return error(StatusCode::kInvalidArgument,
                   "timekey parameter is required for time chunk key");
    k.timekey = static_cast<int64_t>(timekey);
    if (use_utc) {
      k.utc_offset = 0;
    } else if (zone) {
      auto off = parse_utc_offset(*zone);
      if (!off) return error(StatusCode::kInvalidArgument, "invalid timezone: " + *zone);
      k.utc_offset = *off;
    } else {
      k.utc_offset = local_utc_offset();
    }
  }
  return k;
}

namespace {
// msgpack string or binary at p: returns the payload, advances *len to the object's size.
bool read_str(std::string_view d, std::string_view& out, size_t& len) {
  if (d.empty()) return false;
  auto b = [&](size_t i) { return static_cast<unsigned char>(d[i]); };
  unsigned char t = b(0);
  size_t hdr = 0, n = 0;
  if ((t & 0xe0) == 0xa0) {
    hdr = 1;
    n = t & 0x1f;
  } else if (t == 0xd9 || t == 0xc4) {
    if (d.size() < 2) return false;
    hdr = 2;
    n = b(1);
  } else if (t == 0xda || t == 0xc5) {
    if (d.size() < 3) return false;
    hdr = 3;
    n = b(1) << 8 | b(2);
  } else if (t == 0xdb || t == 0xc6) {
    if (d.size() < 5) return false;
    hdr = 5;
    n = size_t(b(1)) << 24 | b(2) << 16 | b(3) << 8 | b(4);
  } else {
    return false;
  }
  if (d.size() < hdr + n) return false;
  out = d.substr(hdr, n);
  len = hdr + n;
  return true;
}

bool map_header(std::string_view d, size_t& count, size_t& hdr) {
  if (d.empty()) return false;
  auto b = [&](size_t i) { return static_cast<unsigned char>(d[i]); };
  unsigned char t = b(0);
  if ((t & 0xf0) == 0x80) {
    count = t & 0x0f;
    hdr = 1;
  } else if (t == 0xde && d.size() >= 3) {
    count = b(1) << 8 | b(2);
    hdr = 3;
  } else if (t == 0xdf && d.size() >= 5) {
    count = size_t(b(1)) << 24 | b(2) << 16 | b(3) << 8 | b(4);
    hdr = 5;
  } else {
    return false;
  }
  return true;
}
}  // namespace

std::optional<std::string_view> find_record_value(std::string_view record,
                                                  const std::vector<std::string>& path) {
  std::string_view cur = record;
  for (const auto& want : path) {
    size_t count = 0, hdr = 0;
    if (!map_header(cur, count, hdr)) return std::nullopt;
    size_t off = hdr;
    bool found = false;
    for (size_t i = 0; i < count; ++i) {
      std::string_view key;
      size_t klen = 0;
      std::string_view rest = cur.substr(off);
      bool is_str = read_str(rest, key, klen);
      if (!is_str) klen = msgpack_object_length(rest);
      if (klen == 0) return std::nullopt;
      off += klen;
      size_t vlen = msgpack_object_length(cur.substr(off));
      if (vlen == 0) return std::nullopt;
      if (is_str && key == want) {
        cur = cur.substr(off, vlen);
        found = true;
        break;
      }
      off += vlen;
    }
    if (!found) return std::nullopt;
  }
  return cur;
}

std::optional<std::string> value_text(std::string_view v) {
  if (v.empty()) return std::nullopt;
  unsigned char t = static_cast<unsigned char>(v[0]);
  if (t == 0xc0) return std::nullopt;
  std::string_view s;
  size_t len = 0;
  if (read_str(v, s, len)) return std::string(s);
  try {
    msgpack::object_handle oh = msgpack::unpack(v.data(), v.size());
    std::ostringstream os;
    os << oh.get();
    return os.str();
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

static void append_entry(std::string& out, const EntryView& e, bool time_as_integer) {
  if (!time_as_integer) {
    out.append(e.whole);
    return;
  }
  MsgpackWriter w(out);
  w.array_header(2);
  w.uinteger(e.time.sec);
  w.raw(e.record);
}

void split_batch(const ChunkKeys& keys, const EventBatch& batch, bool time_as_integer,
                 std::vector<MetaGroup>& out, bool* malformed) {
  out.clear();
  if (malformed) *malformed = false;
  if (batch.count == 0) return;
  if (keys.only_tag_or_none() && !time_as_integer) {
    MetaGroup g;
    if (keys.tag) g.meta.tag = batch.tag;
    g.borrowed = batch.entries;
    g.is_borrowed = true;
    g.count = batch.count;
    out.push_back(std::move(g));
    return;
  }
  EntryReader reader(batch.entries);
  EntryView e;
  size_t last = 0;
  while (reader.next(e)) {
    ChunkMetadata m = keys.metadata_for(batch.tag, e.time, e.record);
    if (out.empty() || !(out[last].meta == m)) {
      size_t found = out.size();
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i].meta == m) {
          found = i;
          break;
        }
      if (found == out.size()) {
        out.emplace_back();
        out.back().meta = std::move(m);
      }
      last = found;
    }
    append_entry(out[last].owned, e, time_as_integer);
    ++out[last].count;
  }
  if (!reader.ok() && malformed) *malformed = true;
}

}  // namespace shipper::buffer
