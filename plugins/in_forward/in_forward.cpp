#include "plugins/in_forward/in_forward.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>

#include "io/forward/tls.hpp"
#include "plugins/in_forward/connection.hpp"

namespace shipper::in_forward {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

ForwardInput::ForwardInput(Params params, PluginContext& ctx)
    : params_(std::move(params)), ctx_(ctx) {
  settings_.params = &params_;
  if (params_.chunk_size_limit) settings_.max_request_bytes = params_.chunk_size_limit->bytes;
  settings_.resolve_hostname =
      params_.resolve_hostname.value_or(params_.source_hostname_key.has_value());
  settings_.normalize.skip_invalid_event = params_.skip_invalid_event;
  settings_.normalize.decompression_size_limit = params_.decompression_size_limit.bytes;
  if (params_.transport && params_.transport->protocol == "tls") {
    const auto& t = *params_.transport;
    if (t.cert_path && !t.private_key_path)
      throw config::ConfigException{{ctx.element ? ctx.element->loc : config::Location{},
                                     config::Severity::kError, "config-error",
                                     "private_key_path is required when cert_path is set"}};
  }
}

ForwardInput::~ForwardInput() {
  close();
}

Status ForwardInput::start() {
  if (params_.security) {
    std::string warnings;
    settings_.acl = ClientAcl::build(*params_.security, &warnings);
    if (!warnings.empty()) ctx_.log.warn(warnings);
  }
  if (params_.transport && params_.transport->protocol == "tls") {
    const auto& t = *params_.transport;
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    Status st = forward::set_tls_versions(*tls_, t.version, t.min_version, t.max_version);
    if (!st) return st;
    SSL_CTX_set_cipher_list(tls_->native_handle(), t.ciphers.c_str());
    boost::system::error_code ec;
    if (t.cert_path) {
      if (t.private_key_passphrase) {
        std::string pass = *t.private_key_passphrase;
        tls_->set_password_callback(
            [pass](size_t, asio::ssl::context::password_purpose) { return pass; });
      }
      tls_->use_certificate_chain_file(*t.cert_path, ec);
      if (!ec) tls_->use_private_key_file(*t.private_key_path, asio::ssl::context::pem, ec);
      if (ec)
        return error(StatusCode::kInvalidArgument,
                     "cannot load TLS certificate/key: " + ec.message());
    } else {
      forward::SelfSignedSpec spec;
      spec.key_bits = t.generate_private_key_length;
      spec.country = t.generate_cert_country;
      spec.state = t.generate_cert_state;
      spec.locality = t.generate_cert_locality;
      spec.common_name = t.generate_cert_common_name;
      spec.expiration_seconds = t.generate_cert_expiration;
      spec.digest = t.generate_cert_digest;
      if (Status gs = forward::use_self_signed_certificate(*tls_, spec); !gs) return gs;
    }
    if (t.client_cert_auth) {
      tls_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
      if (t.ca_path) tls_->load_verify_file(*t.ca_path, ec);
    }
  }

  boost::system::error_code ec;
  auto address = asio::ip::make_address(params_.bind, ec);
  if (ec) return error(StatusCode::kInvalidArgument, "invalid bind address '" + params_.bind + "'");
  tcp::endpoint ep(address, static_cast<uint16_t>(params_.port));
  acceptor_.emplace(io_);
  acceptor_->open(ep.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec)
    acceptor_->listen(params_.backlog.value_or(asio::socket_base::max_listen_connections), ec);
  if (ec)
    return error(StatusCode::kIoError, "cannot listen on " + params_.bind + ":" +
                                           std::to_string(params_.port) + ": " + ec.message());
  bound_port_ = acceptor_->local_endpoint().port();
  ctx_.log.info("listening port" + kv("port", int64_t(bound_port_.load())) +
                kv("bind", params_.bind));

  udp_.emplace(io_);
  udp::endpoint uep(address, bound_port_.load());
  udp_->open(uep.protocol(), ec);
  if (!ec) udp_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) udp_->bind(uep, ec);
  if (ec) {
    ctx_.log.warn("cannot listen for UDP heartbeats" + kv("port", int64_t(bound_port_.load())) +
                  kv("error", ec.message()));
    udp_.reset();
  }

  do_accept();
  if (udp_) do_receive_udp();
  thread_ = std::thread([this] {
    try {
      io_.run();
    } catch (const std::exception& e) {
      ctx_.log.error(std::string("unexpected error in in_forward: ") + e.what());
    }
  });
  return Status::ok();
}

void ForwardInput::do_accept() {
  acceptor_->async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_ || !acceptor_->is_open()) return;
    if (!ec) {
      std::make_shared<Connection>(std::move(socket), tls_.get(), settings_, ctx_)->start();
    } else {
      ctx_.log.warn("accept failed" + kv("error", ec.message()));
    }
    do_accept();
  });
}

void ForwardInput::do_receive_udp() {
  udp_->async_receive_from(asio::buffer(udp_buf_), udp_peer_,
                           [this](const boost::system::error_code& ec, size_t) {
                             if (ec == asio::error::operation_aborted || !udp_) return;
                             if (!ec) {
                               static const char kPong = 0;
                               boost::system::error_code ignored;
                               udp_->send_to(asio::buffer(&kPong, 1), udp_peer_, 0, ignored);
                             }
                             do_receive_udp();
                           });
}

void ForwardInput::stop() {
  if (!thread_.joinable()) return;
  // Stop accepting; close the listening sockets on the I/O thread.
  asio::post(io_, [this] {
    boost::system::error_code ec;
    if (acceptor_) acceptor_->close(ec);
    if (udp_) udp_->close(ec);
  });
}

void ForwardInput::close() {
  if (stopped_) return;
  stopped_ = true;
  io_.stop();
  if (thread_.joinable()) thread_.join();
  acceptor_.reset();
  udp_.reset();
}

}  // namespace shipper::in_forward
