#pragma once
// Chunk keys (<buffer tag,time,key,$.a.b>) and how an event maps to chunk metadata: the tag, the
// timekey bucket of its time (aligned in timekey_zone, or UTC) and the values of record keys.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "buffer/chunk.hpp"
#include "core/event_batch.hpp"
#include "core/status.hpp"

namespace shipper::buffer {

struct ChunkKeys {
  bool tag = false;
  bool time = false;
  std::vector<std::string> record_keys;                // as written: "k", "$.a.b"
  std::vector<std::vector<std::string>> record_paths;  // "k" → {"k"}, "$.a.b" → {"a","b"}
  int64_t timekey = 0;                                 // seconds, > 0 when `time` is a key
  int64_t utc_offset = 0;                              // seconds east of UTC (0 with use_utc)

  bool only_tag_or_none() const { return !time && record_keys.empty(); }
  // Start of the bucket holding time `t` (integer seconds).
  int64_t timekey_of(int64_t t) const;
  // Metadata of one event.
  ChunkMetadata metadata_for(std::string_view tag, EventTime time, std::string_view record) const;
};

// Parses the chunk-key list; error text as Fluentd's ConfigError.
Result<ChunkKeys> parse_chunk_keys(const std::vector<std::string>& keys, double timekey,
                                   bool timekey_use_utc,
                                   const std::optional<std::string>& timekey_zone);

// UTC offset in seconds of "+0900", "-07:00", "+09", "UTC", "Z" or a zone name (resolved now,
// fixed afterwards); nullopt when unknown.
std::optional<int64_t> parse_utc_offset(std::string_view zone);
// The process's local UTC offset now, in seconds.
int64_t local_utc_offset();

// Looks a path of map keys up in a msgpack record; returns the value's msgpack bytes.
std::optional<std::string_view> find_record_value(std::string_view record,
                                                  const std::vector<std::string>& path);
// Text form of a msgpack value as a chunk variable: strings as is, nil → nullopt, others JSON-like.
std::optional<std::string> value_text(std::string_view msgpack_value);

// Events of one batch that share one metadata value.
struct MetaGroup {
  ChunkMetadata meta;
  std::string owned;          // entries copied here when the batch had to be split/rewritten
  std::string_view borrowed;  // or the batch's own bytes (the common single-group case)
  bool is_borrowed = false;
  uint32_t count = 0;
  // For outputs that store formatted text instead of msgpack entries: the end offset of each
  // event in bytes() (empty for msgpack groups, whose events are found by parsing).
  std::vector<uint32_t> ends;
  std::string_view bytes() const { return is_borrowed ? borrowed : std::string_view(owned); }
};

// Splits a batch by chunk keys. The common case (no time or record keys) is one group that points
// at the batch's bytes. With time_as_integer, EventTimes are rewritten as integer seconds.
// Malformed entries end the batch (the valid prefix is kept); `*malformed` is set then.
void split_batch(const ChunkKeys& keys, const EventBatch& batch, bool time_as_integer,
                 std::vector<MetaGroup>& out, bool* malformed = nullptr);

}  // namespace shipper::buffer
