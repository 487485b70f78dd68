#pragma once
// Zero-copy views over msgpack records, and the few edits filters make to them.
//
// A record is a msgpack map inside an EventBatch's bytes. Filters read it through MpValue /
// MapView (pointers into the batch, nothing decoded or copied beyond the header being looked at)
// and write a new record only when they change it: appending keys only patches the map header
// (MapAppendix, core/map_appendix.hpp); other edits copy each untouched pair as bytes
// (rewrite_map). Ruby's to_s / inspect renderings live here too, because Fluentd's filters turn
// values into text that way (placeholders, grep).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/event_time.hpp"

namespace shipper {

enum class MpType : uint8_t { kInvalid, kNil, kBool, kInt, kFloat, kStr, kBin, kArray, kMap, kExt };

// One msgpack object: its whole encoding plus its decoded header.
struct MpValue {
  MpType type = MpType::kInvalid;
  std::string_view bytes;  // the whole object (header, body, nested elements)
  bool boolean = false;
  bool is_unsigned = false;  // kInt: the value is in `uinteger` (it does not fit in int64)
  int64_t integer = 0;
  uint64_t uinteger = 0;
  double floating = 0;
  std::string_view data;  // kStr / kBin / kExt: the body; kArray / kMap: the elements' bytes
  uint32_t count = 0;     // kArray: elements; kMap: pairs
  int8_t ext_type = 0;

  bool valid() const { return type != MpType::kInvalid; }
  bool is_nil() const { return type == MpType::kNil; }
  bool is_map() const { return type == MpType::kMap; }
  bool is_array() const { return type == MpType::kArray; }
  // str or bin: the text (Fluentd treats both as strings).
  bool is_string() const { return type == MpType::kStr || type == MpType::kBin; }
};

// Byte length of the msgpack object at data[0], or 0 when it is truncated or malformed.
size_t mp_skip(std::string_view data);
// Decodes the object at data[0] (header and, for containers, its full extent). Returns false, with
// out.type == kInvalid, when truncated or malformed.
bool mp_decode(std::string_view data, MpValue& out);

// Iterates the pairs of a map value in order.
class MapView {
 public:
  MapView() = default;
  explicit MapView(const MpValue& map) : rest_(map.data), left_(map.is_map() ? map.count : 0) {}
  // Next pair; false at the end or on malformed bytes.
  bool next(MpValue& key, MpValue& value);
  // The value of the first pair whose key is the string `key` (str or bin); invalid when absent.
  static MpValue find(const MpValue& map, std::string_view key);

 private:
  std::string_view rest_;
  uint32_t left_ = 0;
};

// Element `index` of an array value (negative counts from the end); invalid when out of range.
MpValue array_at(const MpValue& array, int64_t index);

// Encoders for the pieces filters write.
void mp_write_map_header(std::string& out, uint32_t n);
void mp_write_array_header(std::string& out, uint32_t n);
void mp_write_str(std::string& out, std::string_view s);
void mp_write_int(std::string& out, int64_t v);
void mp_write_double(std::string& out, double v);
void mp_write_nil(std::string& out);
void mp_write_bool(std::string& out, bool v);

// One key to set: `value` is an encoded msgpack object.
struct FieldSet {
  std::string_view key;
  std::string_view value;
};

// Writes `map` edited as Ruby's Hash#merge! then #delete would: a key in `set` that exists keeps
// its position and takes the new value; the other keys of `set` are appended in order (later
// duplicates in `set` win, first position kept); keys in `remove` are dropped. Non-map input is
// treated as an empty map.
void rewrite_map(const MpValue& map, std::span<const FieldSet> set,
                 std::span<const std::string_view> remove, std::string& out);

// Reads the next [time, record] entry from the front of `rest` (a batch's or chunk's bytes) and
// advances past it. The usual shape (fixarray 2, EventTime ext, map) takes a fast path; integer
// and float times are accepted too. False at the end or on malformed bytes.
bool next_entry(std::string_view& rest, EventTime& time, MpValue& record);

// Ruby's to_s and inspect (Ruby 3.1 layout: {"k"=>"v"}) of a value: what Fluentd produces when it
// interpolates a record value into text.
void append_ruby_to_s(const MpValue& v, std::string& out);
void append_ruby_inspect(const MpValue& v, std::string& out);
// (Float#to_s is append_ruby_float in core/record_json.hpp.)

}  // namespace shipper
