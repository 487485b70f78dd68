#pragma once
// in_forward's parameters, with Fluentd 1.19's names, types and defaults (spec §3.1).
#include <optional>
#include <string>
#include <vector>

#include "config/schema.hpp"

namespace shipper::in_forward {

struct UserParams {
  std::string username;
  std::string password;
  static void describe(config::Schema<UserParams>& s) {
    s.param("username", &UserParams::username).required().help("user name for user_auth");
    s.param("password", &UserParams::password).required().secret().help("the user's password");
  }
};

struct ClientParams {
  std::optional<std::string> host;
  std::optional<std::string> network;
  std::optional<std::string> shared_key;
  config::ArrayValue users;
  static void describe(config::Schema<ClientParams>& s) {
    s.param("host", &ClientParams::host).help("client host (resolved once at start)");
    s.param("network", &ClientParams::network).help("client network in CIDR form");
    s.param("shared_key", &ClientParams::shared_key).secret().help("this client's shared key");
    s.param("users", &ClientParams::users).help("users allowed from this client (empty: all)");
    s.validate([](const ClientParams& c, const config::Element& e, config::BindContext& ctx) {
      if (ctx.diags && c.host.has_value() == c.network.has_value()) {
        ctx.diags->error(e.loc, "config-error",
                         config::in_section(ctx, "One of 'host' or 'network' must be specified"));
      }
    });
  }
};

struct SecurityParams {
  std::string self_hostname;
  std::string shared_key;
  bool user_auth = false;
  bool allow_anonymous_source = true;
  std::vector<UserParams> users;
  std::vector<ClientParams> clients;
  static void describe(config::Schema<SecurityParams>& s);
};

// <transport tcp|tls>: Fluentd's server helper parameters.
struct TransportParams {
  std::string protocol = "tcp";
  int linger_timeout = 0;
  std::optional<config::ByteSize> receive_buffer_size;
  std::string version = "TLSv1_2";
  std::optional<std::string> min_version;
  std::optional<std::string> max_version;
  std::string ciphers = "ALL:!aNULL:!eNULL:!SSLv2";
  bool insecure = false;
  std::optional<std::string> ca_path;
  std::optional<std::string> cert_path;
  std::optional<std::string> private_key_path;
  std::optional<std::string> private_key_passphrase;
  bool client_cert_auth = false;
  std::optional<std::string> ca_cert_path;
  std::optional<std::string> ca_private_key_path;
  std::optional<std::string> ca_private_key_passphrase;
  std::optional<std::string> cert_verifier;
  int generate_private_key_length = 2048;
  std::string generate_cert_country = "US";
  std::string generate_cert_state = "CA";
  std::string generate_cert_locality = "Mountain View";
  std::string generate_cert_common_name;
  int generate_cert_expiration = 10 * 365 * 86400;
  std::string generate_cert_digest = "sha256";
  bool ensure_fips = false;
  static void describe(config::Schema<TransportParams>& s);
};

struct Params {
  int port = 24224;
  std::string bind = "0.0.0.0";
  std::optional<int> backlog;
  std::optional<int> linger_timeout;
  config::Duration blocking_timeout{0.5};
  std::optional<bool> resolve_hostname;
  bool deny_keepalive = false;
  bool send_keepalive_packet = false;
  std::optional<config::ByteSize> chunk_size_warn_limit;
  std::optional<config::ByteSize> chunk_size_limit;
  config::ByteSize decompression_size_limit{256ull * 1024 * 1024};
  bool skip_invalid_event = true;
  std::optional<std::string> source_address_key;
  std::optional<std::string> source_hostname_key;
  std::optional<std::string> tag;
  std::optional<std::string> add_tag_prefix;
  std::optional<SecurityParams> security;
  std::optional<TransportParams> transport;

  static void describe(config::Schema<Params>& s);
};

}  // namespace shipper::in_forward
