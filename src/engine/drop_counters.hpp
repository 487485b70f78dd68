#pragma once
// Process-wide counts of events that left the pipeline without reaching an output: dropped
// (discarded, or only dumped to the log) or sent to the @ERROR label, by reason. Counted once per
// batch or per error with one relaxed atomic add, never per event on the path where all is well.
// The Prometheus input exposes them as shipper_events_dropped_total{reason} and
// shipper_events_error_label_total{reason}.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shipper {

enum class DropReason : uint8_t {
  kNoMatch,         // no <match> took the tag
  kParseError,      // a parser could not parse the text (filter_parser)
  kFilterError,     // a filter failed on the record (record_transformer, grep)
  kOutputError,     // an output refused the events with an error other than back-pressure
  kBufferOverflow,  // the buffer was full and its overflow_action discarded events
  kRecordTooLarge,  // one event larger than chunk_limit_size
  kRetryLimit,      // retry_timeout / retry_max_times reached: the queued chunks were dropped
  kInvalidEvent,    // malformed event (not [time, map])
  kReemitLoop,      // events re-emitted in a circle of labels
  kCount
};
inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kCount);

const char* drop_reason_name(DropReason reason);  // "no_match", "parse_error", ...

class DropCounters {
 public:
  static DropCounters& instance();
  void dropped(DropReason r, uint64_t n) {
    if (n) dropped_[index(r)].fetch_add(n, std::memory_order_relaxed);
  }
  void to_error_label(DropReason r, uint64_t n) {
    if (n) error_label_[index(r)].fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t dropped(DropReason r) const {
    return dropped_[index(r)].load(std::memory_order_relaxed);
  }
  uint64_t to_error_label(DropReason r) const {
    return error_label_[index(r)].load(std::memory_order_relaxed);
  }

 private:
  static size_t index(DropReason r) { return static_cast<size_t>(r); }
  std::array<std::atomic<uint64_t>, kDropReasonCount> dropped_{};
  std::array<std::atomic<uint64_t>, kDropReasonCount> error_label_{};
};

// Shorthands for the places that drop events.
inline void count_dropped(DropReason r, uint64_t n) {
  DropCounters::instance().dropped(r, n);
}
inline void count_to_error_label(DropReason r, uint64_t n) {
  DropCounters::instance().to_error_label(r, n);
}

}  // namespace shipper
