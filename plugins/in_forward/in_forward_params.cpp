#include "plugins/in_forward/in_forward_params.hpp"

namespace shipper::in_forward {
namespace {

void config_error(config::BindContext& ctx, const config::Location& loc, std::string message) {
  if (ctx.diags) ctx.diags->error(loc, "config-error", config::in_section(ctx, std::move(message)));
}

const std::vector<std::string> kTlsVersions = {"TLSv1_1", "TLSv1_2", "TLSv1_3",
                                               "TLS1_1",  "TLS1_2",  "TLS1_3"};

}  // namespace

void SecurityParams::describe(config::Schema<SecurityParams>& s) {
  s.param("self_hostname", &SecurityParams::self_hostname)
      .required()
      .help("this server's name in the handshake");
  s.param("shared_key", &SecurityParams::shared_key)
      .required()
      .secret()
      .help("key both sides hash into the handshake digests");
  s.param("user_auth", &SecurityParams::user_auth).help("also check <user> name and password");
  s.param("allow_anonymous_source", &SecurityParams::allow_anonymous_source)
      .help("accept clients not listed in <client>");
  s.section("user", &SecurityParams::users).help("a user for user_auth");
  s.section("client", &SecurityParams::clients).help("a client host or network with its key");
  s.validate([](const SecurityParams& p, const config::Element& e, config::BindContext& ctx) {
    if (p.user_auth && p.users.empty())
      config_error(ctx, e.loc, "<user> sections required if user_auth enabled");
    if (!p.allow_anonymous_source && p.clients.empty())
      config_error(ctx, e.loc, "<client> sections required if allow_anonymous_source disabled");
  });
}

void TransportParams::describe(config::Schema<TransportParams>& s) {
  s.argument("protocol", &TransportParams::protocol).one_of({"tcp", "tls", "udp"});
  s.param("linger_timeout", &TransportParams::linger_timeout)
      .help("SO_LINGER seconds on close; 0 = close with RST");
  s.param("receive_buffer_size", &TransportParams::receive_buffer_size).help("SO_RCVBUF");
  s.param("version", &TransportParams::version).one_of(kTlsVersions).help("TLS version");
  s.param("min_version", &TransportParams::min_version).one_of(kTlsVersions).help("TLS minimum");
  s.param("max_version", &TransportParams::max_version).one_of(kTlsVersions).help("TLS maximum");
  s.param("ciphers", &TransportParams::ciphers).help("OpenSSL cipher list");
  s.param("insecure", &TransportParams::insecure).help("allow insecure TLS settings");
  s.param("ca_path", &TransportParams::ca_path).help("CA certificates for client verification");
  s.param("cert_path", &TransportParams::cert_path).help("server certificate (PEM)");
  s.param("private_key_path", &TransportParams::private_key_path).help("server private key");
  s.param("private_key_passphrase", &TransportParams::private_key_passphrase)
      .secret()
      .help("private key passphrase");
  s.param("client_cert_auth", &TransportParams::client_cert_auth)
      .help("require a client certificate");
  s.param("ca_cert_path", &TransportParams::ca_cert_path).help("CA to sign a generated cert");
  s.param("ca_private_key_path", &TransportParams::ca_private_key_path).help("that CA's key");
  s.param("ca_private_key_passphrase", &TransportParams::ca_private_key_passphrase)
      .secret()
      .help("that CA key's passphrase");
  s.param("cert_verifier", &TransportParams::cert_verifier).help("Ruby verifier (unsupported)");
  s.param("generate_private_key_length", &TransportParams::generate_private_key_length)
      .help("generated key length");
  s.param("generate_cert_country", &TransportParams::generate_cert_country)
      .help("generated cert country");
  s.param("generate_cert_state", &TransportParams::generate_cert_state)
      .help("generated cert state");
  s.param("generate_cert_locality", &TransportParams::generate_cert_locality)
      .help("generated cert locality");
  s.param("generate_cert_common_name", &TransportParams::generate_cert_common_name)
      .help("generated cert common name (default: hostname)");
  s.param("generate_cert_expiration", &TransportParams::generate_cert_expiration)
      .help("generated cert lifetime in seconds");
  s.param("generate_cert_digest", &TransportParams::generate_cert_digest)
      .help("generated cert digest");
  s.param("ensure_fips", &TransportParams::ensure_fips).help("refuse to run without FIPS mode");
}

void Params::describe(config::Schema<Params>& s) {
  s.param("port", &Params::port).help("TCP and UDP port");
  s.param("bind", &Params::bind).help("address to listen on");
  s.param("backlog", &Params::backlog).help("listen backlog");
  s.param("linger_timeout", &Params::linger_timeout)
      .deprecated("use linger_timeout in <transport> section")
      .help("deprecated: use <transport> linger_timeout");
  s.param("blocking_timeout", &Params::blocking_timeout).help("event-loop wait (tuning only)");
  s.param("resolve_hostname", &Params::resolve_hostname)
      .help("reverse-resolve peers (true when source_hostname_key is set)");
  s.param("deny_keepalive", &Params::deny_keepalive).help("close after the first request");
  s.param("send_keepalive_packet", &Params::send_keepalive_packet).help("SO_KEEPALIVE");
  s.param("chunk_size_warn_limit", &Params::chunk_size_warn_limit)
      .help("warn when a request is larger");
  s.param("chunk_size_limit", &Params::chunk_size_limit)
      .help("drop requests larger than this (no ack)");
  s.param("decompression_size_limit", &Params::decompression_size_limit)
      .help("cap on the decompressed size of one request");
  s.param("skip_invalid_event", &Params::skip_invalid_event)
      .help("drop events whose time or record is invalid");
  s.param("source_address_key", &Params::source_address_key)
      .help("add the peer IP address to each record under this key");
  s.param("source_hostname_key", &Params::source_hostname_key)
      .help("add the peer's host name to each record under this key");
  s.param("tag", &Params::tag).help("replace the incoming tag");
  s.param("add_tag_prefix", &Params::add_tag_prefix).help("prefix the tag with '<prefix>.'");
  s.section("security", &Params::security).help("shared-key handshake (HELO/PING/PONG)");
  s.section("transport", &Params::transport).help("tcp (default) or tls");
  s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
    if (p.source_hostname_key && p.resolve_hostname.has_value() && !*p.resolve_hostname)
      config_error(ctx, e.loc, "resolve_hostname must be true with source_hostname_key");
    if (p.send_keepalive_packet && p.deny_keepalive)
      config_error(ctx, e.loc,
                   "both 'send_keepalive_packet' and 'deny_keepalive' cannot be set to true");
    if (p.tag && p.tag->empty()) config_error(ctx, e.loc, "'tag' parameter must not be empty");
    if (p.add_tag_prefix && p.add_tag_prefix->empty())
      config_error(ctx, e.loc, "'add_tag_prefix' parameter must not be empty");
    if (p.transport && p.transport->protocol == "udp")
      config_error(ctx, e.loc, "in_forward does not support the udp transport");
  });
}

}  // namespace shipper::in_forward
