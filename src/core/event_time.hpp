#pragma once
// EventTime: Fluentd's event timestamp, seconds + nanoseconds. On the wire and in buffer chunks it
// is msgpack ext type 0 with 8 bytes: big-endian uint32 seconds then uint32 nanoseconds.
#include <cstdint>

namespace shipper {

struct EventTime {
  uint32_t sec = 0;
  uint32_t nsec = 0;

  static EventTime now();
  double to_double() const { return sec + nsec / 1e9; }
  friend bool operator==(const EventTime&, const EventTime&) = default;
  friend auto operator<=>(const EventTime&, const EventTime&) = default;
};

// Writes the 8-byte ext body (not the ext header) of an EventTime into out[0..7].
inline void encode_event_time_body(EventTime t, char* out) {
  out[0] = static_cast<char>(t.sec >> 24);
  out[1] = static_cast<char>(t.sec >> 16);
  out[2] = static_cast<char>(t.sec >> 8);
  out[3] = static_cast<char>(t.sec);
  out[4] = static_cast<char>(t.nsec >> 24);
  out[5] = static_cast<char>(t.nsec >> 16);
  out[6] = static_cast<char>(t.nsec >> 8);
  out[7] = static_cast<char>(t.nsec);
}

inline EventTime decode_event_time_body(const char* in) {
  auto u = [](char c) { return static_cast<uint32_t>(static_cast<unsigned char>(c)); };
  return {u(in[0]) << 24 | u(in[1]) << 16 | u(in[2]) << 8 | u(in[3]),
          u(in[4]) << 24 | u(in[5]) << 16 | u(in[6]) << 8 | u(in[7])};
}

}  // namespace shipper
