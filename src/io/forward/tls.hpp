#pragma once
// TLS settings shared by in_forward (server) and out_forward (client), as Fluentd's socket
// helper applies them: `version` pins min and max unless both min_version and max_version are
// given; a server without a certificate generates a self-signed one.
#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <string>

#include "core/status.hpp"

namespace shipper::forward {

// "TLSv1_2" / "TLS1_2" → TLS1_2_VERSION; 0 when unknown.
int tls_version_number(const std::string& name);

// Sets min/max protocol versions on the context.
Status set_tls_versions(boost::asio::ssl::context& ctx, const std::string& version,
                        const std::optional<std::string>& min_version,
                        const std::optional<std::string>& max_version);

struct SelfSignedSpec {
  int key_bits = 2048;
  std::string country = "US";
  std::string state = "CA";
  std::string locality = "Mountain View";
  std::string common_name;  // empty: the host name
  long expiration_seconds = 10L * 365 * 86400;
  std::string digest = "sha256";
};
// Generates an RSA key and a self-signed certificate and installs both in the context.
Status use_self_signed_certificate(boost::asio::ssl::context& ctx, const SelfSignedSpec& spec);

}  // namespace shipper::forward
