#pragma once
// A blocking TCP (optionally TLS) client connection with timeouts, as out_forward uses one: its
// flush threads send a chunk and either close or wait for the ack, so a plain blocking socket with
// SO_SNDTIMEO / SO_LINGER / poll-bounded reads is the simplest correct shape.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace shipper::forward {

// A resolved address.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string ip;  // printable
  uint16_t port = 0;
};

// Resolves host:port; with `random_pick` one of the answers at random (dns_round_robin).
Result<SocketAddress> resolve(const std::string& host, uint16_t port, bool random_pick);

struct ClientTimeouts {
  std::optional<double> connect;  // nil: the OS default
  double send = 60;               // SO_SNDTIMEO and SO_LINGER
  bool linger = true;
};

// Client-side TLS settings (out_forward tls_*). Owns the SSL_CTX.
class TlsClientContext {
 public:
  struct Options {
    std::string version = "TLSv1_2";
    std::string ciphers = "ALL:!aNULL:!eNULL:!SSLv2";
    bool insecure = false;
    bool allow_self_signed = false;
    bool verify_hostname = true;
    std::vector<std::string> ca_paths;
    std::optional<std::string> cert_path, key_path, key_passphrase;
  };
  static Result<std::shared_ptr<TlsClientContext>> create(const Options& options);
  ~TlsClientContext();
  SSL_CTX* native() const { return ctx_; }
  const Options& options() const { return options_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  Options options_;
};

class ClientSocket {
 public:
  // Connects (and runs the TLS handshake when `tls` is set; `server_name` is used for SNI and,
  // with verify_hostname, for the certificate check). Errors carry Ruby's errno class name.
  static Result<std::unique_ptr<ClientSocket>> connect(const SocketAddress& addr,
                                                       const ClientTimeouts& timeouts,
                                                       const TlsClientContext* tls,
                                                       const std::string& server_name);
  ~ClientSocket();

  Status write_all(std::string_view data) { return write_all(&data, 1); }
  // Writes the pieces in order as one stream: for TCP the kernel is told more follows
  // (MSG_MORE) until the last piece, so they leave in full segments without being joined here.
  Status write_all(const std::string_view* pieces, size_t count) {
    return write_all(pieces, count, false);
  }
  // The same, when more pieces follow in a later call (the last piece is sent with MSG_MORE).
  Status write_all(const std::string_view* pieces, size_t count, bool more_follows);
  // Waits up to `timeout` seconds for data; returns the bytes read (0 = EOF). kUnavailable when
  // nothing arrived in time.
  Result<size_t> read_some(char* buf, size_t n, double timeout);
  // True when the peer closed or sent something unexpected (a pooled socket must not be reused).
  bool readable_now() const;
  void close();
  int fd() const { return fd_; }
  bool has_pending_tls_data() const { return ssl_ && SSL_pending(ssl_) > 0; }

 private:
  ClientSocket() = default;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

}  // namespace shipper::forward
