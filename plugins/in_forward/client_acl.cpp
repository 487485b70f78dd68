#include "plugins/in_forward/client_acl.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

namespace shipper::in_forward {

std::optional<IpNetwork> IpNetwork::parse(const std::string& text) {
  IpNetwork n;
  std::string addr = text;
  int prefix = -1;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    addr = text.substr(0, slash);
    try {
      prefix = std::stoi(text.substr(slash + 1));
    } catch (...) {
      return std::nullopt;
    }
  }
  if (inet_pton(AF_INET, addr.c_str(), n.addr) == 1) {
    n.family = AF_INET;
    n.prefix = prefix < 0 ? 32 : prefix;
    if (n.prefix > 32) return std::nullopt;
  } else if (inet_pton(AF_INET6, addr.c_str(), n.addr) == 1) {
    n.family = AF_INET6;
    n.prefix = prefix < 0 ? 128 : prefix;
    if (n.prefix > 128) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return n;
}

bool IpNetwork::contains(const std::string& ip) const {
  unsigned char a[16] = {};
  int fam = inet_pton(AF_INET, ip.c_str(), a) == 1    ? AF_INET
            : inet_pton(AF_INET6, ip.c_str(), a) == 1 ? AF_INET6
                                                      : 0;
  if (fam != family) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a, addr, full) != 0) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[full] & mask) == (addr[full] & mask);
}

ClientAcl ClientAcl::build(const SecurityParams& security, std::string* warnings) {
  ClientAcl acl;
  acl.security_ = &security;
  for (const auto& c : security.clients) {
    ClientRule rule;
    rule.shared_key = c.shared_key.value_or(security.shared_key);
    rule.users = c.users;
    if (c.network) {
      if (auto n = IpNetwork::parse(*c.network))
        rule.networks.push_back(*n);
      else if (warnings)
        *warnings += "invalid network '" + *c.network + "' in <client>; ";
    } else if (c.host) {
      if (auto n = IpNetwork::parse(*c.host)) {
        rule.networks.push_back(*n);
      } else {
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        if (getaddrinfo(c.host->c_str(), nullptr, &hints, &res) == 0) {
          for (auto* p = res; p; p = p->ai_next) {
            char buf[INET6_ADDRSTRLEN] = {};
            const void* src = p->ai_family == AF_INET
                                  ? static_cast<const void*>(
                                        &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                                  : static_cast<const void*>(
                                        &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
            inet_ntop(p->ai_family, src, buf, sizeof(buf));
            if (auto n = IpNetwork::parse(buf)) rule.networks.push_back(*n);
          }
          freeaddrinfo(res);
        } else if (warnings) {
          *warnings += "cannot resolve <client> host '" + *c.host + "'; ";
        }
      }
    }
    acl.rules_.push_back(std::move(rule));
  }
  return acl;
}

ClientAcl::PingResult ClientAcl::check(const forward::Ping& ping, bool ping_valid,
                                       const std::string& peer_ip, const std::string& auth_salt,
                                       const std::string& nonce) const {
  PingResult r;
  if (!ping_valid) {
    r.reason = "invalid ping message";
    return r;
  }
  const ClientRule* node = nullptr;
  for (const auto& rule : rules_) {
    for (const auto& n : rule.networks)
      if (n.contains(peer_ip)) node = &rule;
    if (node) break;
  }
  if (!node && !security_->allow_anonymous_source) {
    r.log = "Anonymous client disallowed address=\"" + peer_ip + "\" hostname=\"" + ping.hostname +
            "\"";
    r.reason = "anonymous source host '" + peer_ip + "' denied";
    return r;
  }
  std::string key = node ? node->shared_key : security_->shared_key;
  if (ping.digest != forward::sha512_hex({ping.salt, ping.hostname, nonce, key})) {
    r.log = "Shared key mismatch address=\"" + peer_ip + "\" hostname=\"" + ping.hostname + "\"";
    r.reason = "shared_key mismatch";
    return r;
  }
  if (security_->user_auth) {
    bool success = false;
    for (const auto& u : security_->users) {
      if (u.username != ping.username) continue;
      if (node && !node->users.empty()) {
        bool allowed = false;
        for (const auto& name : node->users) allowed = allowed || name == u.username;
        if (!allowed) continue;
      }
      success = success ||
                forward::sha512_hex({auth_salt, ping.username, u.password}) == ping.password_digest;
    }
    if (!success) {
      r.log = "Authentication failed address=\"" + peer_ip + "\" hostname=\"" + ping.hostname +
              "\" username=\"" + ping.username + "\"";
      r.reason = "username/password mismatch";
      return r;
    }
  }
  r.ok = true;
  r.shared_key = key;
  return r;
}

}  // namespace shipper::in_forward
