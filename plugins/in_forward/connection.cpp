#include "plugins/in_forward/connection.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>

#include "io/forward/frame_writer.hpp"
#include "io/forward/handshake.hpp"

namespace shipper::in_forward {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string reverse_lookup(const tcp::endpoint& ep) {
  char host[NI_MAXHOST] = {};
  const auto* sa = reinterpret_cast<const sockaddr*>(ep.data());
  if (getnameinfo(sa, static_cast<socklen_t>(ep.size()), host, sizeof(host), nullptr, 0, 0) == 0)
    return host;
  return ep.address().to_string();
}

}  // namespace

Connection::Connection(tcp::socket socket, asio::ssl::context* tls, const ServerSettings& settings,
                       PluginContext& ctx)
    : socket_(std::move(socket)),
      settings_(settings),
      ctx_(ctx),
      params_(*settings.params),
      normalize_(settings.normalize),
      scanner_(settings.max_request_bytes) {
  if (tls) tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *tls);
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    peer_ip_ = addr.to_string();
    peer_port_ = ep.port();
    peer_host_ = settings.resolve_hostname ? reverse_lookup(ep) : peer_ip_;
  }
  // Fluentd's transport linger_timeout (default 0: close with RST).
  int linger =
      params_.transport ? params_.transport->linger_timeout : params_.linger_timeout.value_or(0);
  socket_.set_option(asio::socket_base::linger(true, linger), ec);
  if (params_.send_keepalive_packet) socket_.set_option(asio::socket_base::keep_alive(true), ec);
  if (params_.transport && params_.transport->receive_buffer_size)
    socket_.set_option(asio::socket_base::receive_buffer_size(
                           static_cast<int>(params_.transport->receive_buffer_size->bytes)),
                       ec);
  if (params_.source_address_key)
    normalize_.extra_fields.emplace_back(*params_.source_address_key, peer_ip_);
  if (params_.source_hostname_key)
    normalize_.extra_fields.emplace_back(*params_.source_hostname_key, peer_host_);
  read_buf_.resize(64 * 1024);
}

std::string Connection::source() const {
  return "host: " + peer_host_ + ", addr: " + peer_ip_ + ", port: " + std::to_string(peer_port_);
}

void Connection::start() {
  if (tls_) {
    state_ = State::kTlsHandshake;
    auto self = shared_from_this();
    tls_->async_handshake(
        asio::ssl::stream_base::server, [self](const boost::system::error_code& ec) {
          if (ec) {
            self->ctx_.log.warn("unexpected error before accepting TLS connection" +
                                kv("addr", self->peer_ip_) + kv("port", int64_t(self->peer_port_)) +
                                kv("error", ec.message()));
            self->close();
            return;
          }
          self->begin_session();
        });
    return;
  }
  begin_session();
}

void Connection::begin_session() {
  state_ = State::kEstablished;
  if (params_.security) {
    state_ = State::kPingPong;
    nonce_ = forward::random_bytes(16);
    auth_salt_ = forward::random_bytes(16);
    send(forward::make_helo(nonce_, auth_salt_, !params_.deny_keepalive), false);
  }
  do_read();
}

void Connection::do_read() {
  if (closed_) return;
  auto self = shared_from_this();
  auto handler = [self](const boost::system::error_code& ec, size_t n) {
    if (self->closed_) return;
    if (n > 0) self->on_data(self->read_buf_.data(), n);
    if (ec) {
      // EOF or reset: nothing more will come. Pending writes still finish.
      if (!self->writing_)
        self->close();
      else
        self->close_after_write_ = true;
      return;
    }
    if (!self->closed_ && self->state_ != State::kClosing) self->do_read();
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(read_buf_), handler);
  else
    socket_.async_read_some(asio::buffer(read_buf_), handler);
}

void Connection::on_data(const char* data, size_t n) {
  if (state_ == State::kClosing) return;
  if (first_data_) {
    first_data_ = false;
    if (state_ == State::kEstablished && (data[0] == '{' || data[0] == '[')) {
      ctx_.log.warn("JSON forward requests are not supported; closing the connection" +
                    kv("source", source()));
      state_ = State::kClosing;
      close();
      return;
    }
  }
  size_t off = 0;
  while (off < n && state_ != State::kClosing) {
    size_t used = 0;
    auto r = scanner_.scan(data + off, n - off, &used);
    if (r == forward::MsgpackScanner::Result::kError) {
      if (params_.chunk_size_limit && scanner_.error().find("exceeds") != std::string::npos) {
        ctx_.log.warn("Input chunk size is larger than 'chunk_size_limit', dropped:" +
                      kv("source", source()) +
                      kv("limit", int64_t(params_.chunk_size_limit->bytes)) +
                      kv("error", scanner_.error()));
      } else {
        ctx_.log.error("unexpected error on reading data from client" + kv("address", peer_ip_) +
                       kv("error", scanner_.error()));
      }
      state_ = State::kClosing;
      close();
      return;
    }
    if (r == forward::MsgpackScanner::Result::kNeedMore) {
      pending_.append(data + off, used);
      return;
    }
    std::string_view object;
    if (pending_.empty()) {
      object = std::string_view(data + off, used);
    } else {
      pending_.append(data + off, used);
      object = pending_;
    }
    off += used;
    scanner_.reset();
    bool keep = handle_object(object);
    pending_.clear();
    if (pending_.capacity() > (1u << 20)) pending_.shrink_to_fit();
    if (!keep) {
      state_ = State::kClosing;
      if (writing_)
        close_after_write_ = true;
      else
        close();
      return;
    }
  }
}

bool Connection::handle_object(std::string_view object) {
  if (state_ == State::kPingPong) return handle_ping(object);
  return handle_request(object);
}

bool Connection::handle_ping(std::string_view object) {
  forward::Ping ping;
  bool valid = forward::parse_ping(object, ping);
  auto result = settings_.acl->check(ping, valid, peer_ip_, auth_salt_, nonce_);
  if (!result.ok) {
    if (!result.log.empty()) ctx_.log.warn(result.log);
    ctx_.log.warn("connection refused: handshake failed" + kv("address", peer_ip_) +
                  kv("reason", result.reason));
    send(forward::make_pong(false, result.reason, "", ""), true);
    state_ = State::kClosing;
    return true;  // the close happens after the PONG is written
  }
  const auto& self_hostname = params_.security->self_hostname;
  send(forward::make_pong(
           true, "", self_hostname,
           forward::sha512_hex({ping.salt, self_hostname, nonce_, result.shared_key})),
       false);
  ctx_.log.debug("connection established" + kv("address", peer_ip_) +
                 kv("port", int64_t(peer_port_)));
  state_ = State::kEstablished;
  return true;
}

bool Connection::handle_request(std::string_view object) {
  using Outcome = forward::DecodedRequest::Outcome;
  const uint64_t size = object.size();
  forward::decode_request(object, normalize_, request_, scratch_);
  auto& req = request_;
  if (req.outcome == Outcome::kNil) return true;
  if (req.outcome == Outcome::kNotArray) {
    ctx_.log.warn("incoming chunk is broken:" + kv("source", source()) +
                  kv("msg", "(" + std::to_string(object.size()) + " bytes)"));
    return true;
  }
  if (req.outcome == Outcome::kError) {
    ctx_.log.error("unexpected error on reading data from client" + kv("address", peer_ip_) +
                   kv("error", req.error));
    return false;
  }
  std::string tag = params_.tag ? *params_.tag : std::string(req.tag);
  if (params_.chunk_size_limit && size > params_.chunk_size_limit->bytes) {
    ctx_.log.warn("Input chunk size is larger than 'chunk_size_limit', dropped:" + kv("tag", tag) +
                  kv("source", source()) + kv("limit", int64_t(params_.chunk_size_limit->bytes)) +
                  kv("size", int64_t(size)));
    return true;
  }
  if (params_.chunk_size_warn_limit && size > params_.chunk_size_warn_limit->bytes) {
    ctx_.log.warn("Input chunk size is larger than 'chunk_size_warn_limit':" + kv("tag", tag) +
                  kv("source", source()) +
                  kv("limit", int64_t(params_.chunk_size_warn_limit->bytes)) +
                  kv("size", int64_t(size)));
  }
  if (params_.add_tag_prefix) tag = *params_.add_tag_prefix + "." + tag;
  if (req.invalid > 0) {
    const char* what = req.mode == forward::Mode::kMessage ? "got invalid event and drop it:"
                                                           : "skip invalid event:";
    ctx_.log.warn(what + kv("source", source()) + kv("tag", tag) +
                  kv("count", int64_t(req.invalid)));
  }
  if (req.batch.count > 0) {
    req.batch.tag = std::move(tag);
    Status st = ctx_.router ? ctx_.router->emit(req.batch) : Status::ok();
    if (!st) {
      ctx_.log.error("emit transaction failed" + kv("tag", req.batch.tag) +
                     kv("error", st.message()));
      return false;  // no ack: the client sends the request again
    }
  }
  if (req.options.has_chunk) {
    std::string ack;
    forward::append_ack(ack, req.options.chunk_raw);
    send(std::move(ack), params_.deny_keepalive);
    if (params_.deny_keepalive) state_ = State::kClosing;
  } else if (params_.deny_keepalive) {
    return false;
  }
  return true;
}

void Connection::send(std::string bytes, bool close_after) {
  writes_.push_back(std::move(bytes));
  if (close_after) close_after_write_ = true;
  if (!writing_) do_write();
}

void Connection::do_write() {
  if (closed_) return;
  if (writes_.empty()) {
    writing_ = false;
    if (close_after_write_) close();
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  auto handler = [self](const boost::system::error_code& ec, size_t) {
    if (self->closed_) return;
    self->writes_.pop_front();
    if (ec) {
      self->close();
      return;
    }
    self->do_write();
  };
  if (tls_)
    asio::async_write(*tls_, asio::buffer(writes_.front()), handler);
  else
    asio::async_write(socket_, asio::buffer(writes_.front()), handler);
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  state_ = State::kClosing;
  boost::system::error_code ec;
  if (close_after_write_) {
    // Orderly close after a response: let the data drain before the (RST) close.
    socket_.set_option(asio::socket_base::linger(false, 0), ec);
    socket_.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket_.close(ec);
}

}  // namespace shipper::in_forward
