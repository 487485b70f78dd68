#include "engine/drop_counters.hpp"

namespace shipper {

const char* drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kNoMatch:
      return "no_match";
    case DropReason::kParseError:
      return "parse_error";
    case DropReason::kFilterError:
      return "filter_error";
    case DropReason::kOutputError:
      return "output_error";
    case DropReason::kBufferOverflow:
      return "buffer_overflow";
    case DropReason::kRecordTooLarge:
      return "record_too_large";
    case DropReason::kRetryLimit:
      return "retry_limit";
    case DropReason::kInvalidEvent:
      return "invalid_event";
    case DropReason::kReemitLoop:
      return "reemit_loop";
    case DropReason::kCount:
      break;
  }
  return "unknown";
}

DropCounters& DropCounters::instance() {
  static DropCounters counters;
  return counters;
}

}  // namespace shipper
