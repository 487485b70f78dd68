#pragma once
// Pairs added to every record of a stream, encoded once: record_transformer's <record> when it
// does not depend on the event, in_tail's path_key. They are added in place to a record that
// ends a buffer, so a producer can add them right after writing the record, while it is still
// in cache, and no later stage copies the batch to add them.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shipper {

class MapAppendix {
 public:
  // What becomes of a pair whose key the record already has.
  enum class OnPresent {
    kOverwrite,  // the record's value is replaced where it stands (Ruby's Hash#merge!)
    kKeep,       // the record's value stays; the pair is not added
  };
  explicit MapAppendix(OnPresent on_present = OnPresent::kOverwrite) : on_present_(on_present) {}

  // Adds a pair; `encoded_value` is one msgpack object. A key added twice keeps its first place
  // and takes the last value.
  void add(std::string_view key, std::string_view encoded_value);
  // Adds a pair whose value is the string `value`.
  void add_string(std::string_view key, std::string_view value);
  void clear();
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  // Every pair, key and value encoded, in order: what is appended to a record that has none
  // of the keys.
  std::string_view encoded_pairs() const { return pairs_; }
  // Whether any of `keys` is one of this appendix's keys.
  bool has_any_of(std::span<const std::string_view> keys) const;
  // Adds `other`'s pairs after these; false (and this appendix unusable) when a key is in both.
  bool add_distinct(const MapAppendix& other);

  // Adds the pairs to the map that starts at `map_pos` and runs to the end of `buffer`.
  // Returns false, changing nothing, when no well-formed map is there.
  bool apply_to_tail(std::string& buffer, size_t map_pos) const;

 private:
  void append_absent(std::string& buffer, std::string_view map_bytes) const;
  void overwrite(std::string& buffer, size_t map_pos) const;

  OnPresent on_present_;
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::string pairs_;  // every pair, key and value encoded, in order
};

}  // namespace shipper
