#pragma once
// One in_forward connection: optional TLS handshake, optional HELO/PING/PONG, then a stream of
// msgpack requests, each decoded, emitted and acknowledged in order. Bad input closes this
// connection only, with a log line.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <deque>
#include <memory>
#include <string>

#include "engine/plugin.hpp"
#include "io/forward/msgpack_scanner.hpp"
#include "io/forward/request.hpp"
#include "plugins/in_forward/in_forward.hpp"

namespace shipper::in_forward {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
             const ServerSettings& settings, PluginContext& ctx);
  void start();

 private:
  enum class State { kTlsHandshake, kPingPong, kEstablished, kClosing };

  void begin_session();
  void do_read();
  void on_data(const char* data, size_t n);
  // Handles one complete msgpack object; false closes the connection.
  bool handle_object(std::string_view object);
  bool handle_ping(std::string_view object);
  bool handle_request(std::string_view object);
  void send(std::string bytes, bool close_after);
  void do_write();
  void close();
  std::string source() const;

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  const ServerSettings& settings_;
  PluginContext& ctx_;
  const Params& params_;
  State state_ = State::kEstablished;
  std::string peer_ip_;
  uint16_t peer_port_ = 0;
  std::string peer_host_;
  forward::NormalizeSettings normalize_;
  forward::MsgpackScanner scanner_;
  std::string pending_;  // bytes of the object being received when it spans reads
  std::string read_buf_;
  bool first_data_ = true;
  forward::DecodedRequest request_;
  std::string scratch_;
  std::string nonce_, auth_salt_;
  std::deque<std::string> writes_;
  bool writing_ = false;
  bool close_after_write_ = false;
  bool closed_ = false;
};

}  // namespace shipper::in_forward
