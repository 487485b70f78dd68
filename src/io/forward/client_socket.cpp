#include "io/forward/client_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "io/forward/tls.hpp"

namespace shipper::forward {
namespace {

const char* errno_class(int e) {
  switch (e) {
    case ECONNREFUSED:
      return "Errno::ECONNREFUSED";
    case ETIMEDOUT:
      return "Errno::ETIMEDOUT";
    case ECONNRESET:
      return "Errno::ECONNRESET";
    case EPIPE:
      return "Errno::EPIPE";
    case EHOSTUNREACH:
      return "Errno::EHOSTUNREACH";
    case ENETUNREACH:
      return "Errno::ENETUNREACH";
    case EAGAIN:
      return "Errno::EAGAIN";
    default:
      return "SystemCallError";
  }
}

// Ruby's message form: "Connection refused - connect(2) for "host" port N".
Status errno_status(int e, const std::string& what) {
  std::string msg = std::string(errno_class(e)) + ": " + std::strerror(e) + " - " + what;
  return error(StatusCode::kUnavailable, msg);
}

std::string ssl_error_text() {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown TLS error";
  if (e) ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int allow_self_signed_cb(int ok, X509_STORE_CTX* store) {
  if (ok) return 1;
  int err = X509_STORE_CTX_get_error(store);
  return err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
         err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
}

}  // namespace

Result<SocketAddress> resolve(const std::string& host, uint16_t port, bool random_pick) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0)
    return error(StatusCode::kUnavailable,
                 "SocketError: getaddrinfo: " + std::string(gai_strerror(rc)) + " (" + host + ")");
  std::vector<addrinfo*> all;
  for (auto* p = res; p; p = p->ai_next) all.push_back(p);
  addrinfo* pick = all.front();
  if (random_pick && all.size() > 1) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    pick = all[rng() % all.size()];
  }
  SocketAddress a;
  std::memcpy(&a.storage, pick->ai_addr, pick->ai_addrlen);
  a.length = pick->ai_addrlen;
  a.port = port;
  char buf[INET6_ADDRSTRLEN] = {};
  const void* src =
      pick->ai_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(pick->ai_addr)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(pick->ai_addr)->sin6_addr);
  inet_ntop(pick->ai_family, src, buf, sizeof(buf));
  a.ip = buf;
  freeaddrinfo(res);
  return a;
}

Result<std::shared_ptr<TlsClientContext>> TlsClientContext::create(const Options& o) {
  auto c = std::shared_ptr<TlsClientContext>(new TlsClientContext());
  c->options_ = o;
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (!c->ctx_) return error(StatusCode::kInternal, "SSL_CTX_new failed");
  int v = tls_version_number(o.version);
  if (v == 0) return error(StatusCode::kInvalidArgument, "unknown tls_version " + o.version);
  SSL_CTX_set_min_proto_version(c->ctx_, v);
  SSL_CTX_set_max_proto_version(c->ctx_, v);
  SSL_CTX_set_cipher_list(c->ctx_, o.ciphers.c_str());
  SSL_CTX_set_default_verify_paths(c->ctx_);
  for (const auto& p : o.ca_paths) {
    if (SSL_CTX_load_verify_locations(c->ctx_, p.c_str(), nullptr) != 1)
      return error(StatusCode::kInvalidArgument,
                   "cannot load CA certificate " + p + ": " + ssl_error_text());
  }
  if (o.cert_path) {
    if (o.key_passphrase) {
      SSL_CTX_set_default_passwd_cb_userdata(
          c->ctx_, const_cast<char*>(c->options_.key_passphrase->c_str()));
    }
    if (SSL_CTX_use_certificate_chain_file(c->ctx_, o.cert_path->c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(c->ctx_, o.key_path.value_or(*o.cert_path).c_str(),
                                    SSL_FILETYPE_PEM) != 1)
      return error(StatusCode::kInvalidArgument,
                   "cannot load client certificate: " + ssl_error_text());
  }
  if (o.insecure) {
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER,
                       o.allow_self_signed ? allow_self_signed_cb : nullptr);
  }
  return c;
}

TlsClientContext::~TlsClientContext() {
  if (ctx_) SSL_CTX_free(ctx_);
}

Result<std::unique_ptr<ClientSocket>> ClientSocket::connect(const SocketAddress& addr,
                                                            const ClientTimeouts& t,
                                                            const TlsClientContext* tls,
                                                            const std::string& server_name) {
  const std::string what = "connect(2) for \"" + addr.ip + "\" port " + std::to_string(addr.port);
  std::unique_ptr<ClientSocket> s(new ClientSocket());
  s->fd_ = ::socket(addr.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s->fd_ < 0) return errno_status(errno, what);
  int one = 1;
  setsockopt(s->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  timeval tv{static_cast<time_t>(t.send),
             static_cast<suseconds_t>((t.send - static_cast<time_t>(t.send)) * 1e6)};
  setsockopt(s->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (t.linger) {
    linger l{1, static_cast<int>(t.send)};
    setsockopt(s->fd_, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  // Non-blocking connect bounded by connect_timeout, then back to blocking.
  int flags = fcntl(s->fd_, F_GETFL, 0);
  fcntl(s->fd_, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(s->fd_, reinterpret_cast<const sockaddr*>(&addr.storage), addr.length);
  if (rc != 0 && errno != EINPROGRESS) return errno_status(errno, what);
  if (rc != 0) {
    pollfd p{s->fd_, POLLOUT, 0};
    int ms = t.connect ? static_cast<int>(*t.connect * 1000) : -1;
    int pr;
    do {
      pr = ::poll(&p, 1, ms);
    } while (pr < 0 && errno == EINTR);
    if (pr == 0) return errno_status(ETIMEDOUT, what);
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(s->fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return errno_status(err, what);
  }
  fcntl(s->fd_, F_SETFL, flags & ~O_NONBLOCK);
  if (tls) {
    s->ssl_ = SSL_new(tls->native());
    SSL_set_fd(s->ssl_, s->fd_);
    if (!server_name.empty()) {
      SSL_set_tlsext_host_name(s->ssl_, server_name.c_str());
      if (tls->options().verify_hostname && !tls->options().insecure)
        SSL_set1_host(s->ssl_, server_name.c_str());
    }
    if (t.connect) {
      timeval rt{static_cast<time_t>(*t.connect), 0};
      setsockopt(s->fd_, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof(rt));
    }
    if (SSL_connect(s->ssl_) != 1) {
      long vr = SSL_get_verify_result(s->ssl_);
      std::string detail = vr != X509_V_OK ? X509_verify_cert_error_string(vr) : ssl_error_text();
      return error(StatusCode::kUnavailable, "OpenSSL::SSL::SSLError: TLS handshake with " +
                                                 addr.ip + ":" + std::to_string(addr.port) +
                                                 " failed: " + detail);
    }
    timeval zero{0, 0};
    setsockopt(s->fd_, SOL_SOCKET, SO_RCVTIMEO, &zero, sizeof(zero));
  }
  return s;
}

ClientSocket::~ClientSocket() {
  close();
}

void ClientSocket::close() {
  if (ssl_) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::shutdown(fd_, SHUT_WR);
    ::close(fd_);
    fd_ = -1;
  }
}

Status ClientSocket::write_all(const std::string_view* pieces, size_t count, bool more_follows) {
  for (size_t i = 0; i < count; ++i) {
    std::string_view data = pieces[i];
    const int flags = MSG_NOSIGNAL | (i + 1 < count || more_follows ? MSG_MORE : 0);
    size_t off = 0;
    while (off < data.size()) {
      if (ssl_) {
        int n = SSL_write(ssl_, data.data() + off,
                          static_cast<int>(std::min<size_t>(data.size() - off, 1 << 30)));
        if (n <= 0)
          return error(StatusCode::kUnavailable,
                       "OpenSSL::SSL::SSLError: write failed: " + ssl_error_text());
        off += static_cast<size_t>(n);
      } else {
        ssize_t n = ::send(fd_, data.data() + off, data.size() - off, flags);
        if (n < 0) {
          if (errno == EINTR) continue;
          return errno_status(errno == EAGAIN ? ETIMEDOUT : errno, "write");
        }
        off += static_cast<size_t>(n);
      }
    }
  }
  return Status::ok();
}

Result<size_t> ClientSocket::read_some(char* buf, size_t n, double timeout) {
  double deadline = now_s() + timeout;
  while (true) {
    if (!has_pending_tls_data()) {
      pollfd p{fd_, POLLIN, 0};
      int ms = static_cast<int>(std::max(0.0, deadline - now_s()) * 1000);
      int pr = ::poll(&p, 1, ms);
      if (pr < 0 && errno == EINTR) continue;
      if (pr == 0) return error(StatusCode::kUnavailable, "read timeout");
    }
    if (ssl_) {
      int r = SSL_read(ssl_, buf, static_cast<int>(n));
      if (r > 0) return static_cast<size_t>(r);
      int e = SSL_get_error(ssl_, r);
      if (e == SSL_ERROR_ZERO_RETURN) return size_t{0};
      if (e == SSL_ERROR_WANT_READ) {
        if (now_s() > deadline) return error(StatusCode::kUnavailable, "read timeout");
        continue;
      }
      if (e == SSL_ERROR_SYSCALL) return size_t{0};
      return error(StatusCode::kUnavailable,
                   "OpenSSL::SSL::SSLError: read failed: " + ssl_error_text());
    }
    ssize_t r = ::recv(fd_, buf, n, 0);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return size_t{0};
      return errno_status(errno, "recv");
    }
    return static_cast<size_t>(r);
  }
}

bool ClientSocket::readable_now() const {
  if (has_pending_tls_data()) return true;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace shipper::forward
