#include "plugins/out_forward/out_forward_params.hpp"

#include <sstream>

namespace shipper::out_forward {
namespace {

bool chunk_keys_include_tag(const std::string& arg) {
  if (arg.empty()) return true;  // out_forward's default chunk keys are ["tag"]
  std::string keys = arg;
  if (keys.front() == '[') {
    keys.erase(0, 1);
    if (!keys.empty() && keys.back() == ']') keys.pop_back();
  }
  std::stringstream ss(keys);
  std::string key;
  while (std::getline(ss, key, ',')) {
    auto b = key.find_first_not_of(" \t\"'");
    auto e = key.find_last_not_of(" \t\"'");
    if (b != std::string::npos && key.substr(b, e - b + 1) == "tag") return true;
  }
  return false;
}

void config_error(config::BindContext& ctx, const config::Location& loc, std::string message) {
  if (ctx.diags) ctx.diags->error(loc, "config-error", std::move(message));
}

}  // namespace

void Params::describe(config::Schema<Params>& s) {
  s.param("transport", &Params::transport).one_of({"tcp", "tls"}).help("tcp or tls");
  s.param("send_timeout", &Params::send_timeout).help("write timeout; also SO_LINGER on close");
  s.param("connect_timeout", &Params::connect_timeout).help("connect (and TLS handshake) timeout");
  s.param("heartbeat_type", &Params::heartbeat_type)
      .one_of({"transport", "tcp", "udp", "none"})
      .help("transport: connect per heartbeat; udp: one 0x00 datagram; none: no failure detection");
  s.param("heartbeat_interval", &Params::heartbeat_interval).help("heartbeat and detector period");
  s.param("recover_wait", &Params::recover_wait).help("wait before a detached node is used again");
  s.param("hard_timeout", &Params::hard_timeout)
      .help("detach a node without heartbeats this long; handshake wait limit");
  s.param("phi_threshold", &Params::phi_threshold).help("phi accrual detector threshold");
  s.param("phi_failure_detector", &Params::phi_failure_detector)
      .help("use the phi accrual failure detector");
  s.param("require_ack_response", &Params::require_ack_response)
      .help("at-least-once: delete a chunk only after the server acknowledged it");
  s.param("ack_response_timeout", &Params::ack_response_timeout)
      .help("seconds to wait for an ack before the chunk is resent");
  s.param("read_interval_msec", &Params::read_interval_msec).help("handshake read poll interval");
  s.param("read_length", &Params::read_length).help("bytes read per ack/handshake read");
  s.param("expire_dns_cache", &Params::expire_dns_cache)
      .help("DNS answer lifetime in seconds; 0 = resolve on every connect; unset = forever");
  s.param("dns_round_robin", &Params::dns_round_robin).help("pick a random address of the name");
  s.param("ignore_network_errors_at_startup", &Params::ignore_network_errors_at_startup)
      .help("a node whose name does not resolve at start is disabled instead of failing");
  s.param("verify_connection_at_startup", &Params::verify_connection_at_startup)
      .help("connect to every node at start; failure stops the process");
  s.param("compress", &Params::compress)
      .one_of({"text", "gzip", "zstd"})
      .help("send CompressedPackedForward (gzip or zstd)");
  s.param("tls_version", &Params::tls_version)
      .one_of({"TLSv1_1", "TLSv1_2", "TLSv1_3", "TLS1_1", "TLS1_2", "TLS1_3"})
      .help("TLS version (pins both minimum and maximum)");
  s.param("tls_ciphers", &Params::tls_ciphers).help("OpenSSL cipher list");
  s.param("tls_insecure_mode", &Params::tls_insecure_mode).help("no certificate verification");
  s.param("tls_allow_self_signed_cert", &Params::tls_allow_self_signed_cert)
      .help("accept a self-signed server certificate");
  s.param("tls_verify_hostname", &Params::tls_verify_hostname)
      .help("check the certificate's name against host (or <server> name)");
  s.param("tls_ca_cert_path", &Params::tls_ca_cert_path).help("extra CA certificates");
  s.param("tls_cert_path", &Params::tls_cert_path).help("older spelling of tls_ca_cert_path");
  s.param("tls_client_cert_path", &Params::tls_client_cert_path).help("client certificate");
  s.param("tls_client_private_key_path", &Params::tls_client_private_key_path)
      .help("client private key");
  s.param("tls_client_private_key_passphrase", &Params::tls_client_private_key_passphrase)
      .secret()
      .help("client private key passphrase");
  s.param("tls_cert_thumbprint", &Params::tls_cert_thumbprint).help("Windows only");
  s.param("tls_cert_logical_store_name", &Params::tls_cert_logical_store_name).help("Windows only");
  s.param("tls_cert_use_enterprise_store", &Params::tls_cert_use_enterprise_store)
      .help("Windows only");
  s.param("keepalive", &Params::keepalive).help("reuse connections between chunks");
  s.param("keepalive_timeout", &Params::keepalive_timeout)
      .help("idle lifetime of a pooled connection; unset = no expiry");
  s.param("send_keepalive_packet", &Params::send_keepalive_packet)
      .help("SO_KEEPALIVE on pooled connections (needs keepalive)");
  s.param("port", &Params::port).obsoleted("User <server> section instead.");
  s.param("host", &Params::host).obsoleted("Use <server> section instead.");

  s.section("security", &Params::security).help("shared-key handshake (HELO/PING/PONG)");
  s.section("server", &Params::servers).help("a destination node (one or more)");
  s.free_form_section("service_discovery", &Params::service_discovery)
      .help("not supported: list the nodes as <server> sections");
  buffer::describe_output_params(s, "memory");

  s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
    if (p.buffer.present() && !chunk_keys_include_tag(p.buffer.element->arg)) {
      config_error(ctx, p.buffer.element->loc,
                   "buffer chunk key must include 'tag' for forward output");
    }
    if (p.dns_round_robin && p.heartbeat_type == "udp") {
      config_error(ctx, e.loc,
                   "forward output heartbeat type must be 'transport' or 'none' to use "
                   "dns_round_robin option");
    }
    if (p.servers.empty()) {
      if (p.service_discovery.present()) {
        config_error(ctx, p.service_discovery.element->loc,
                     "<service_discovery> is not supported; list the nodes as <server> sections");
      } else {
        if (ctx.diags) ctx.diags->warning(e.loc, "no-nodes", "No nodes are available");
        config_error(ctx, e.loc,
                     "forward output plugin requires at least one node is required. Add <server> "
                     "or <service_discovery>");
      }
    }
    if (!p.keepalive && p.keepalive_timeout && ctx.diags) {
      ctx.diags->warning(e.loc, "ignored-parameter",
                         "The value of keepalive_timeout is ignored. if you want to use keepalive, "
                         "please add `keepalive true` to your conf.");
    }
    if (p.send_keepalive_packet && !p.keepalive) {
      config_error(ctx, e.loc, "'send_keepalive_packet' requires 'keepalive true'");
    }
    if (p.ack_response_timeout.seconds < 1) {
      config_error(ctx, e.loc, "ack_response_timeout must be a positive integer");
    }
    if (p.heartbeat_type == "tcp" && ctx.diags) {
      ctx.diags->warning(e.loc, "deprecated-value",
                         "'heartbeat_type tcp' is deprecated. use 'transport' instead.");
    }
    if (p.heartbeat_interval.seconds <= 0) {
      config_error(ctx, e.loc, "heartbeat_interval must be positive");
    }
  });
}

}  // namespace shipper::out_forward
