#include "core/event_time.hpp"

#include <time.h>

namespace shipper {

EventTime EventTime::now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return {static_cast<uint32_t>(ts.tv_sec), static_cast<uint32_t>(ts.tv_nsec)};
}

}  // namespace shipper
