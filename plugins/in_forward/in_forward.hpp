#pragma once
// in_forward: a forward-protocol server (spec §3). One I/O thread of its own runs the TCP (or
// TLS) acceptor, every connection and the UDP heartbeat responder; events are emitted into the
// router from that thread, synchronously, so a blocked downstream pauses this input only.
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <thread>

#include "engine/plugin.hpp"
#include "io/forward/request.hpp"
#include "plugins/in_forward/client_acl.hpp"
#include "plugins/in_forward/in_forward_params.hpp"

namespace shipper::in_forward {

// Hard cap on one request when chunk_size_limit is not set: the largest chunk a default Fluentd
// file buffer makes (256 MiB). A length prefix beyond it is rejected from its header.
constexpr uint64_t kDefaultMaxRequestBytes = 256ull * 1024 * 1024;

struct ServerSettings {
  const Params* params = nullptr;
  uint64_t max_request_bytes = kDefaultMaxRequestBytes;
  bool resolve_hostname = false;
  std::optional<ClientAcl> acl;          // set when <security> is configured
  forward::NormalizeSettings normalize;  // without the per-connection extra fields
};

class ForwardInput : public Input {
 public:
  using Params = in_forward::Params;
  ForwardInput(Params params, PluginContext& ctx);
  ~ForwardInput() override;

  Status start() override;
  void stop() override;
  void close() override;

  // The port actually bound (useful with port 0).
  uint16_t bound_port() const { return bound_port_.load(); }

 private:
  void do_accept();
  void do_receive_udp();

  Params params_;
  PluginContext& ctx_;
  ServerSettings settings_;
  boost::asio::io_context io_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::optional<boost::asio::ip::udp::socket> udp_;
  boost::asio::ip::udp::endpoint udp_peer_;
  std::array<char, 128> udp_buf_{};
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::thread thread_;
  std::atomic<uint16_t> bound_port_{0};
  bool stopped_ = false;
};

}  // namespace shipper::in_forward
