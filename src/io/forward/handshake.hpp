#pragma once
// The shared-key handshake of the forward protocol (spec §1.6):
//   server: ["HELO", {"nonce": bin16, "auth": bin16, "keepalive": bool}]
//   client: ["PING", hostname, salt, sha512_hex(salt|hostname|nonce|key), username,
//   sha512_hex(auth|username|password)] server: ["PONG", ok, reason, hostname,
//   sha512_hex(salt|server_hostname|nonce|key)]
#include <initializer_list>
#include <string>
#include <string_view>

namespace shipper::forward {

// Lowercase hex SHA-512 of the concatenation of `parts`.
std::string sha512_hex(std::initializer_list<std::string_view> parts);
// `n` random bytes (OpenSSL RAND_bytes).
std::string random_bytes(size_t n);
std::string hex(std::string_view bytes);

std::string make_helo(std::string_view nonce, std::string_view auth, bool keepalive);

struct Helo {
  std::string nonce;
  std::string auth;
  bool keepalive = true;
};
// False when `object` is not a HELO message.
bool parse_helo(std::string_view object, Helo& out);

struct Ping {
  std::string hostname;
  std::string salt;
  std::string digest;
  std::string username;
  std::string password_digest;
};
// False (with Fluentd's reason "invalid ping message") when not a 6-element PING.
bool parse_ping(std::string_view object, Ping& out);
std::string make_ping(std::string_view client_hostname, std::string_view salt,
                      std::string_view shared_key, const Helo& helo, std::string_view username,
                      std::string_view password);

std::string make_pong(bool ok, std::string_view reason, std::string_view server_hostname,
                      std::string_view digest);

struct Pong {
  bool ok = false;
  std::string reason;
  std::string hostname;
  std::string digest;
};
bool parse_pong(std::string_view object, Pong& out);
// Checks a PONG as out_forward does; returns an empty string when accepted, else the error.
std::string check_pong(const Pong& pong, std::string_view self_hostname, std::string_view salt,
                       std::string_view nonce, std::string_view shared_key);

}  // namespace shipper::forward
