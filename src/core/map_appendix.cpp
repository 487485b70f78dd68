#include "core/map_appendix.hpp"

#include <cstring>

#include "core/msgpack_map.hpp"
#include "core/record_view.hpp"

namespace shipper {
namespace {

// The keys of a msgpack map's pairs, in order; values are skipped by their length.
class KeyScan {
 public:
  KeyScan(std::string_view pairs, uint32_t count) : rest_(pairs), left_(count) {}
  // The next key (str or bin; for other keys `is_text` is false). False at
  // the end or on malformed bytes (then ok() is false).
  bool next(std::string_view& key, bool& is_text) {
    if (left_ == 0) return false;
    // mp_skip reads the shapes records are made of (fixstr, str8/16, small ints) inline.
    size_t klen = mp_skip(rest_);
    if (klen == 0) return fail();
    is_text = read_msgpack_str(rest_.substr(0, klen), key);
    size_t vlen = mp_skip(rest_.substr(klen));
    if (vlen == 0) return fail();
    rest_.remove_prefix(klen + vlen);
    --left_;
    return true;
  }
  bool ok() const { return ok_; }

 private:
  bool fail() {
    ok_ = false;
    left_ = 0;
    return false;
  }
  std::string_view rest_;
  uint32_t left_;
  bool ok_ = true;
};

void write_map_count(std::string& buffer, size_t map_pos, size_t old_header_len, uint32_t n) {
  std::string header;  // at most 5 bytes: no allocation
  mp_write_map_header(header, n);
  buffer.replace(map_pos, old_header_len, header);
}

}  // namespace

void MapAppendix::add(std::string_view key, std::string_view encoded_value) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != key) continue;
    values_[i].assign(encoded_value);
    pairs_.clear();
    for (size_t j = 0; j < keys_.size(); ++j) {
      mp_write_str(pairs_, keys_[j]);
      pairs_ += values_[j];
    }
    return;
  }
  keys_.emplace_back(key);
  values_.emplace_back(encoded_value);
  mp_write_str(pairs_, key);
  pairs_.append(encoded_value);
}

void MapAppendix::add_string(std::string_view key, std::string_view value) {
  std::string encoded;
  mp_write_str(encoded, value);
  add(key, encoded);
}

bool MapAppendix::has_any_of(std::span<const std::string_view> keys) const {
  for (auto key : keys)
    for (const auto& mine : keys_)
      if (mine.size() == key.size() && mine == key) return true;
  return false;
}

bool MapAppendix::add_distinct(const MapAppendix& other) {
  for (size_t i = 0; i < other.keys_.size(); ++i) {
    for (const auto& mine : keys_)
      if (mine == other.keys_[i]) return false;
    keys_.push_back(other.keys_[i]);
    values_.push_back(other.values_[i]);
  }
  pairs_.append(other.pairs_);
  return true;
}

void MapAppendix::clear() {
  keys_.clear();
  values_.clear();
  pairs_.clear();
}

bool MapAppendix::apply_to_tail(std::string& buffer, size_t map_pos) const {
  if (map_pos > buffer.size()) return false;
  std::string_view map_bytes(buffer.data() + map_pos, buffer.size() - map_pos);
  uint32_t count = 0;
  size_t header_len = 0;
  if (!read_map_header(map_bytes, count, header_len)) return false;
  if (keys_.empty()) return true;
  // One pass over the record's keys; records have tens of keys at most, the appendix a few,
  // so comparing each pair beats hashing.
  bool present = false;
  KeyScan scan(map_bytes.substr(header_len), count);
  std::string_view key;
  bool is_text = false;
  while (!present && scan.next(key, is_text)) {
    if (!is_text) continue;
    for (const auto& added : keys_)
      if (added.size() == key.size() && added == key) present = true;
  }
  if (!scan.ok()) return false;
  if (present) {
    if (on_present_ == OnPresent::kOverwrite) {
      overwrite(buffer, map_pos);
    } else {
      append_absent(buffer, map_bytes);
    }
    return true;
  }
  if (count + keys_.size() > UINT32_MAX) return false;
  buffer.append(pairs_);
  write_map_count(buffer, map_pos, header_len, count + static_cast<uint32_t>(keys_.size()));
  return true;
}

void MapAppendix::append_absent(std::string& buffer, std::string_view map_bytes) const {
  // Rare (a record that has some of the keys): look each key up.
  MpValue map;
  if (!mp_decode(map_bytes, map)) return;
  const size_t map_pos = static_cast<size_t>(map_bytes.data() - buffer.data());
  std::string added;
  uint32_t n = 0;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (MapView::find(map, keys_[i]).valid()) continue;
    mp_write_str(added, keys_[i]);
    added += values_[i];
    ++n;
  }
  if (n == 0) return;
  uint32_t count = map.count;
  size_t header_len = map.bytes.size() - map.data.size();
  buffer.append(added);
  write_map_count(buffer, map_pos, header_len, count + n);
}

void MapAppendix::overwrite(std::string& buffer, size_t map_pos) const {
  MpValue map;
  if (!mp_decode(std::string_view(buffer).substr(map_pos), map)) return;
  std::vector<FieldSet> set;
  set.reserve(keys_.size());
  for (size_t i = 0; i < keys_.size(); ++i) set.push_back({keys_[i], values_[i]});
  std::string rewritten;
  rewrite_map(map, set, {}, rewritten);
  buffer.replace(map_pos, std::string::npos, rewritten);
}

}  // namespace shipper
