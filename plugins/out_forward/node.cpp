#include "plugins/out_forward/node.hpp"

#include <arpa/inet.h>

#include <chrono>

#include "io/forward/handshake.hpp"
#include "io/forward/msgpack_scanner.hpp"

namespace shipper::out_forward {

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {
bool is_ip_address(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}
}  // namespace

Node::Node(const ServerParams& server, const NodeSettings& settings, bool none_heartbeat)
    : server_(server),
      settings_(settings),
      params_(*settings.params),
      none_heartbeat_(none_heartbeat),
      failure_(settings.params->heartbeat_interval.seconds, settings.params->hard_timeout.seconds,
               wall_now()) {
  if (!is_ip_address(server_.host))
    tls_name_ = server_.host;
  else if (server_.name)
    tls_name_ = *server_.name;
}

Result<forward::SocketAddress> Node::address() {
  std::lock_guard lock(mu_);
  const double now = wall_now();
  bool fresh = cached_.has_value();
  if (params_.expire_dns_cache) {
    if (params_.expire_dns_cache->seconds == 0)
      fresh = false;
    else if (now - resolved_at_ >= params_.expire_dns_cache->seconds)
      fresh = false;
  }
  if (fresh) return *cached_;
  auto r =
      forward::resolve(server_.host, static_cast<uint16_t>(server_.port), params_.dns_round_robin);
  if (!r) return r.status();
  cached_ = *r;
  resolved_at_ = now;
  return *cached_;
}

void Node::forget_address() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

Status Node::handshake(forward::ClientSocket& sock) {
  const auto& sec = *params_.security;
  const std::string shared_key = server_.shared_key.value_or(sec.shared_key);
  forward::MsgpackScanner scanner(1 << 20);
  std::string buf(params_.read_length.bytes > 0 ? params_.read_length.bytes : 512, '\0');
  std::string pending;
  const double deadline = wall_now() + params_.hard_timeout.seconds;
  // Reads the next complete msgpack object.
  auto next_object = [&](std::string& out) -> Status {
    while (true) {
      if (!pending.empty()) {
        size_t used = 0;
        auto r = scanner.scan(pending.data(), pending.size(), &used);
        if (r == forward::MsgpackScanner::Result::kError)
          return error(StatusCode::kUnavailable, "invalid handshake data: " + scanner.error());
        if (r == forward::MsgpackScanner::Result::kComplete) {
          out = pending.substr(0, used);
          pending.erase(0, used);
          scanner.reset();
          return Status::ok();
        }
        // Rescan from the start next time: keep the scanner state consistent.
        scanner.reset();
      }
      double left = deadline - wall_now();
      if (left <= 0) return error(StatusCode::kUnavailable, "handshake timed out (hard_timeout)");
      auto n = sock.read_some(buf.data(), buf.size(), left);
      if (!n) return error(StatusCode::kUnavailable, "handshake timed out (hard_timeout)");
      if (*n == 0) return error(StatusCode::kUnavailable, "disconnected during handshake");
      pending.append(buf.data(), *n);
    }
  };
  std::string object;
  if (Status st = next_object(object); !st) return st;
  forward::Helo helo;
  if (!forward::parse_helo(object, helo)) {
    settings_.log.warn("received invalid helo message from " + log_name());
    return error(StatusCode::kUnavailable, "received invalid helo message");
  }
  const std::string salt = forward::hex(forward::random_bytes(16));
  Status st = sock.write_all(forward::make_ping(sec.self_hostname, salt, shared_key, helo,
                                                server_.username, server_.password));
  if (!st) return st;
  if (st = next_object(object); !st) return st;
  forward::Pong pong;
  std::string problem =
      forward::parse_pong(object, pong)
          ? forward::check_pong(pong, sec.self_hostname, salt, helo.nonce, shared_key)
          : "invalid pong message";
  if (!problem.empty()) {
    settings_.log.warn("connection refused to " + (server_.name ? *server_.name : server_.host) +
                       ": " + problem);
    return error(StatusCode::kUnavailable,
                 "Fluent::Plugin::ForwardOutput::PingpongError: " + problem);
  }
  settings_.log.debug("connection established" + kv("host", server_.host) +
                      kv("port", int64_t(server_.port)));
  return Status::ok();
}

Result<std::unique_ptr<forward::ClientSocket>> Node::connect_new() {
  auto addr = address();
  if (!addr) return addr.status();
  forward::ClientTimeouts t;
  if (params_.connect_timeout) t.connect = params_.connect_timeout->seconds;
  t.send = params_.send_timeout.seconds;
  auto sock = forward::ClientSocket::connect(*addr, t, settings_.tls.get(), tls_name_);
  if (!sock) return sock.status();
  if (params_.send_keepalive_packet) {
    int one = 1;
    setsockopt((*sock)->fd(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  }
  if (params_.security) {
    Status st = handshake(**sock);
    if (!st) {
      disable();
      return st;
    }
  }
  return std::move(*sock);
}

Result<std::unique_ptr<forward::ClientSocket>> Node::checkout() {
  if (params_.keepalive) {
    std::lock_guard lock(mu_);
    const double now = wall_now();
    while (!pool_.empty()) {
      Idle idle = std::move(pool_.back());
      pool_.pop_back();
      bool expired =
          params_.keepalive_timeout && now - idle.since > params_.keepalive_timeout->seconds;
      // A readable idle socket was closed by the peer (or holds unexpected bytes): drop it.
      if (!expired && !idle.sock->readable_now()) return std::move(idle.sock);
    }
  }
  return connect_new();
}

void Node::release(std::unique_ptr<forward::ClientSocket> sock) {
  if (!sock) return;
  if (!params_.keepalive) {
    sock->close();
    return;
  }
  std::lock_guard lock(mu_);
  pool_.push_back({std::move(sock), wall_now()});
}

void Node::purge_expired() {
  if (!params_.keepalive || !params_.keepalive_timeout) return;
  std::lock_guard lock(mu_);
  const double now = wall_now();
  std::erase_if(pool_,
                [&](const Idle& i) { return now - i.since > params_.keepalive_timeout->seconds; });
}

void Node::clear_pool() {
  std::lock_guard lock(mu_);
  pool_.clear();
}

bool Node::heartbeat(bool detect) {
  if (none_heartbeat_) return false;
  std::lock_guard lock(mu_);
  const double now = wall_now();
  failure_.add(now);
  double recover_samples = params_.recover_wait.seconds / params_.heartbeat_interval.seconds;
  if (detect && !available_ && static_cast<double>(failure_.sample_size()) > recover_samples) {
    available_ = true;
    settings_.log.warn("recovered forwarding server '" + log_name() + "'" +
                       kv("host", server_.host) + kv("port", int64_t(server_.port)));
    return true;
  }
  return false;
}

bool Node::tick() {
  if (none_heartbeat_) return false;
  std::lock_guard lock(mu_);
  const double now = wall_now();
  if (!available_) {
    if (failure_.hard_timeout(now)) failure_.clear();
    return false;
  }
  if (failure_.hard_timeout(now)) {
    settings_.log.warn("detached forwarding server '" + log_name() + "'" +
                       kv("host", server_.host) + kv("port", int64_t(server_.port)) +
                       " hard_timeout=true");
    available_ = false;
    cached_.reset();
    failure_.clear();
    return true;
  }
  if (params_.phi_failure_detector) {
    double phi = failure_.phi(now);
    if (phi > params_.phi_threshold) {
      settings_.log.warn("detached forwarding server '" + log_name() + "'" +
                         kv("host", server_.host) + kv("port", int64_t(server_.port)) +
                         " phi=" + std::to_string(phi) +
                         " phi_threshold=" + std::to_string(params_.phi_threshold));
      available_ = false;
      cached_.reset();
      failure_.clear();
      return true;
    }
  }
  return false;
}

size_t Node::sample_size() const {
  std::lock_guard lock(mu_);
  return failure_.sample_size();
}

}  // namespace shipper::out_forward
