#pragma once
// Decoding one forward-protocol request (spec §1.2–1.4): the mode by the type of element [1],
// the option map, and the events normalized into an EventBatch of [EventTime, map] entries.
// Entries that already have that form are copied as they are; integer times, the nested
// [[time, metadata], record] form of Fluent Bit ≥ 5.0.5, and time 0 are rewritten.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event_batch.hpp"

namespace shipper::forward {

enum class Mode { kMessage, kForward, kPackedForward, kCompressedPackedForward };
const char* mode_name(Mode m);

struct RequestOptions {
  bool has_chunk = false;
  std::string_view chunk_raw;   // the msgpack-encoded `chunk` value, echoed verbatim in the ack
  std::string_view compressed;  // "" when absent
  bool has_size = false;
  uint64_t size = 0;
};

struct NormalizeSettings {
  bool skip_invalid_event = true;
  uint64_t decompression_size_limit = 256ull * 1024 * 1024;
  // Keys added to every record (source_address_key, source_hostname_key), as key and value.
  std::vector<std::pair<std::string, std::string>> extra_fields;
};

struct DecodedRequest {
  enum class Outcome {
    kEvents,    // a request: see mode, tag, options, batch
    kNil,       // a msgpack nil (a no-op heartbeat)
    kNotArray,  // "incoming chunk is broken": ignored, no response
    kError,     // malformed or undecodable: the connection must be closed
  };
  Outcome outcome = Outcome::kEvents;
  std::string error;
  Mode mode = Mode::kMessage;
  std::string_view tag;
  RequestOptions options;
  EventBatch batch;      // entries only; the caller sets the tag
  uint32_t invalid = 0;  // events skipped as invalid
  uint32_t ignored = 0;  // events with a nil record (silently ignored, as Fluentd does)
};

// Decodes one complete msgpack object. `scratch` holds decompressed bytes; `out.batch` gets
// the events. Views in `out` point into `object`.
void decode_request(std::string_view object, const NormalizeSettings& settings, DecodedRequest& out,
                    std::string& scratch);

// Appends one [time, record] entry, normalized. Returns false when the entry is not even an
// array (the stream is then considered broken); an entry with an invalid time or record is
// counted in `invalid` and skipped.
bool normalize_entry(std::string_view entry, const NormalizeSettings& settings, EventBatch& out,
                     uint32_t& invalid, uint32_t& ignored);

}  // namespace shipper::forward
