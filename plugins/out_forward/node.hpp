#pragma once
// One destination of out_forward: its address (with Fluentd's DNS cache rules), health (the
// failure detector and "available"), the connection it opens for a chunk or a heartbeat
// (TCP/TLS, then the HELO/PING/PONG handshake when <security> is set) and, with keepalive, its
// pool of idle connections.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/log.hpp"
#include "io/forward/client_socket.hpp"
#include "plugins/out_forward/failure_detector.hpp"
#include "plugins/out_forward/out_forward_params.hpp"

namespace shipper::out_forward {

double wall_now();

// What a node needs from the output's configuration.
struct NodeSettings {
  const Params* params = nullptr;
  std::shared_ptr<forward::TlsClientContext> tls;  // set with transport tls
  Logger log;
};

class Node {
 public:
  Node(const ServerParams& server, const NodeSettings& settings, bool none_heartbeat);

  const std::string& host() const { return server_.host; }
  int port() const { return server_.port; }
  int weight() const { return server_.weight; }
  bool standby() const { return server_.standby; }
  std::string label() const { return server_.label(); }
  // The name Fluentd's detach/recover lines show: <server> name, or empty.
  std::string log_name() const { return server_.name.value_or(""); }

  bool available() const { return none_heartbeat_ || available_.load(); }
  void disable() { available_ = false; }

  // Resolves (or reuses the cached address) per expire_dns_cache.
  Result<forward::SocketAddress> address();
  void forget_address();

  // A connection ready for data: from the pool (keepalive) or new, with the handshake done.
  Result<std::unique_ptr<forward::ClientSocket>> checkout();
  // Returns a connection to the pool (keepalive) or closes it.
  void release(std::unique_ptr<forward::ClientSocket> sock);
  void purge_expired();
  void clear_pool();

  // A heartbeat sample; returns true when the node became available again.
  bool heartbeat(bool detect = true);
  // The detector tick; returns true when the node was detached.
  bool tick();
  size_t sample_size() const;

 private:
  Result<std::unique_ptr<forward::ClientSocket>> connect_new();
  Status handshake(forward::ClientSocket& sock);

  ServerParams server_;
  const NodeSettings& settings_;
  const Params& params_;
  bool none_heartbeat_;
  std::string tls_name_;  // verified/SNI name: host if a DNS name, else <server> name
  std::atomic<bool> available_{true};
  mutable std::mutex mu_;
  FailureDetector failure_;
  std::optional<forward::SocketAddress> cached_;
  double resolved_at_ = 0;
  struct Idle {
    std::unique_ptr<forward::ClientSocket> sock;
    double since;
  };
  std::vector<Idle> pool_;
};

}  // namespace shipper::out_forward
