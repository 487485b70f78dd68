#pragma once
// EventBatch: a tag plus one contiguous buffer of msgpack [time, record] entries. That layout is
// at once a buffer chunk's content and the entries of a forward PackedForward message, so bytes
// go from parser to socket without being decoded and encoded again.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event_time.hpp"
#include "core/msgpack_writer.hpp"

namespace shipper {

struct RecordSteps;  // engine/record_steps.hpp

struct EventBatch {
  std::string tag;
  std::string entries;  // concatenated msgpack arrays [EventTime, map]
  uint32_t count = 0;
  // Set by a producer that applied the first filters of the route to each record as it wrote
  // it; the router skips them. Kept by clear(): it belongs to the stream, not to its events.
  const RecordSteps* applied = nullptr;

  bool empty() const { return count == 0; }
  void clear() {
    entries.clear();
    count = 0;
  }
  // Appends one entry whose record is already msgpack-encoded.
  void append(EventTime time, std::string_view encoded_record) {
    MsgpackWriter w(entries);
    w.array_header(2);
    w.event_time(time);
    w.raw(encoded_record);
    ++count;
  }
  // Starts an entry and returns a writer positioned at the record: the caller writes exactly one
  // msgpack object (the record map) and then calls commit_entry(). To abandon the entry, call
  // rollback_entry(mark) with the mark returned here.
  size_t begin_entry(EventTime time) {
    size_t mark = entries.size();
    MsgpackWriter w(entries);
    w.array_header(2);
    w.event_time(time);
    return mark;
  }
  void commit_entry() { ++count; }
  void rollback_entry(size_t mark) { entries.resize(mark); }
};

// One decoded entry of a batch: its time and the record's msgpack bytes (a view into the batch).
struct EntryView {
  EventTime time;
  std::string_view record;  // exactly one msgpack object, normally a map
  std::string_view whole;   // the entry's bytes including the [time, record] array header
};

// Iterates the entries of a batch (or of a chunk's bytes) without copying them. Entries whose
// time is an integer or float (as some forward clients send) are accepted too.
class EntryReader {
 public:
  explicit EntryReader(std::string_view bytes) : bytes_(bytes) {}
  // Returns false at the end or when the bytes are malformed (then ok() is false).
  bool next(EntryView& out);
  bool ok() const { return ok_; }
  size_t offset() const { return off_; }

 private:
  std::string_view bytes_;
  size_t off_ = 0;
  bool ok_ = true;
};

// Returns the byte length of the msgpack object starting at data[0], or 0 when it is incomplete
// or malformed. Uses msgpack-cxx's parser with a visitor that builds nothing.
size_t msgpack_object_length(std::string_view data);

}  // namespace shipper
