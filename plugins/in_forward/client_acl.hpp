#pragma once
// in_forward's <security>: which clients may connect (<client> host or network) with which
// shared key and users, and the server side of the PING check (spec §1.6, check order as
// Fluentd's check_ping).
#include <optional>
#include <string>
#include <vector>

#include "io/forward/handshake.hpp"
#include "plugins/in_forward/in_forward_params.hpp"

namespace shipper::in_forward {

struct IpNetwork {
  int family = 0;  // AF_INET or AF_INET6
  unsigned char addr[16] = {};
  int prefix = 0;
  // Parses "10.0.0.0/8", "::1/128" or a plain address (full-length prefix).
  static std::optional<IpNetwork> parse(const std::string& text);
  bool contains(const std::string& ip) const;
};

struct ClientRule {
  std::vector<IpNetwork> networks;  // a <client> host resolves to one entry per address
  std::string shared_key;
  std::vector<std::string> users;
};

class ClientAcl {
 public:
  // Resolves <client> host names (done at start: it may query DNS).
  static ClientAcl build(const SecurityParams& security, std::string* warnings);

  struct PingResult {
    bool ok = false;
    std::string reason;      // Fluentd's reason text for the failure PONG
    std::string shared_key;  // key for the PONG digest when ok
    std::string log;         // Fluentd's warning, when it logs one
  };
  PingResult check(const forward::Ping& ping, bool ping_valid, const std::string& peer_ip,
                   const std::string& auth_salt, const std::string& nonce) const;

 private:
  const SecurityParams* security_ = nullptr;
  std::vector<ClientRule> rules_;
};

}  // namespace shipper::in_forward
