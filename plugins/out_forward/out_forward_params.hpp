#pragma once
// out_forward's parameters, with Fluentd 1.19's names, types and defaults (spec §2.1).
#include <optional>
#include <string>
#include <vector>

#include "buffer/buffered_output.hpp"
#include "config/schema.hpp"

namespace shipper::out_forward {

struct ServerParams {
  std::string host;
  std::optional<std::string> name;
  int port = 24224;
  std::optional<std::string> shared_key;
  std::string username;
  std::string password;
  bool standby = false;
  int weight = 60;

  // The label Fluentd logs a node by: `name`, or "host:port".
  std::string label() const { return name ? *name : host + ":" + std::to_string(port); }

  static void describe(config::Schema<ServerParams>& s) {
    s.param("host", &ServerParams::host).required().help("IP address or host name of the node");
    s.param("name", &ServerParams::name)
        .help("label in logs; also the TLS name to verify when host is an IP address");
    s.param("port", &ServerParams::port).help("TCP port (and UDP port for udp heartbeats)");
    s.param("shared_key", &ServerParams::shared_key)
        .secret()
        .help("overrides <security> shared_key for this node (needs <security>)");
    s.param("username", &ServerParams::username).help("user for the server's user_auth");
    s.param("password", &ServerParams::password)
        .secret()
        .help("password for the server's user_auth");
    s.param("standby", &ServerParams::standby)
        .help("used only when the failure detector has marked regular nodes down");
    s.param("weight", &ServerParams::weight)
        .help("load-balancing weight per chunk; 0 = never used");
  }
};

struct SecurityParams {
  std::string self_hostname;
  std::string shared_key;
  static void describe(config::Schema<SecurityParams>& s) {
    s.param("self_hostname", &SecurityParams::self_hostname)
        .required()
        .help("this host's name in the handshake; must differ from the server's");
    s.param("shared_key", &SecurityParams::shared_key)
        .required()
        .secret()
        .help("key both sides hash into the handshake digests");
  }
};

struct Params : buffer::OutputParams {
  std::string transport = "tcp";
  config::Duration send_timeout{60};
  std::optional<config::Duration> connect_timeout;
  std::string heartbeat_type = "transport";
  config::Duration heartbeat_interval{1};
  config::Duration recover_wait{10};
  config::Duration hard_timeout{60};
  int phi_threshold = 16;
  bool phi_failure_detector = true;
  bool require_ack_response = false;
  config::Duration ack_response_timeout{190};
  int read_interval_msec = 50;
  config::ByteSize read_length{512};
  std::optional<config::Duration> expire_dns_cache;
  bool dns_round_robin = false;
  bool ignore_network_errors_at_startup = false;
  bool verify_connection_at_startup = false;
  std::string compress = "text";
  std::string tls_version = "TLSv1_2";
  std::string tls_ciphers = "ALL:!aNULL:!eNULL:!SSLv2";
  bool tls_insecure_mode = false;
  bool tls_allow_self_signed_cert = false;
  bool tls_verify_hostname = true;
  std::optional<config::ArrayValue> tls_ca_cert_path;
  std::optional<config::ArrayValue> tls_cert_path;
  std::optional<std::string> tls_client_cert_path;
  std::optional<std::string> tls_client_private_key_path;
  std::optional<std::string> tls_client_private_key_passphrase;
  std::optional<std::string> tls_cert_thumbprint;
  std::optional<std::string> tls_cert_logical_store_name;
  bool tls_cert_use_enterprise_store = true;
  bool keepalive = false;
  std::optional<config::Duration> keepalive_timeout;
  bool send_keepalive_packet = false;
  // Obsolete top-level spellings.
  std::optional<int> port;
  std::optional<std::string> host;

  std::optional<SecurityParams> security;
  std::vector<ServerParams> servers;
  config::FreeFormSection service_discovery;

  static void describe(config::Schema<Params>& s);
};

}  // namespace shipper::out_forward
