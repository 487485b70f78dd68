#include "io/forward/tls.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <memory>

namespace shipper::forward {

int tls_version_number(const std::string& name) {
  if (name == "TLSv1_1" || name == "TLS1_1") return TLS1_1_VERSION;
  if (name == "TLSv1_2" || name == "TLS1_2") return TLS1_2_VERSION;
  if (name == "TLSv1_3" || name == "TLS1_3") return TLS1_3_VERSION;
  return 0;
}

Status set_tls_versions(boost::asio::ssl::context& ctx, const std::string& version,
                        const std::optional<std::string>& min_version,
                        const std::optional<std::string>& max_version) {
  int lo = tls_version_number(version), hi = lo;
  if (min_version && max_version) {
    lo = tls_version_number(*min_version);
    hi = tls_version_number(*max_version);
  }
  if (lo == 0 || hi == 0) return error(StatusCode::kInvalidArgument, "unknown TLS version");
  SSL_CTX* c = ctx.native_handle();
  if (!SSL_CTX_set_min_proto_version(c, lo) || !SSL_CTX_set_max_proto_version(c, hi))
    return error(StatusCode::kInvalidArgument, "TLS version not supported by OpenSSL");
  return Status::ok();
}

Status use_self_signed_certificate(boost::asio::ssl::context& ctx, const SelfSignedSpec& spec) {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(
      EVP_RSA_gen(static_cast<unsigned>(spec.key_bits)), EVP_PKEY_free);
  if (!key) return error(StatusCode::kInternal, "RSA key generation failed");
  std::unique_ptr<X509, void (*)(X509*)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.expiration_seconds);
  X509_set_pubkey(cert.get(), key.get());
  std::string cn = spec.common_name;
  if (cn.empty()) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    cn = host;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  auto add = [&](const char* field, const std::string& v) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
  };
  add("C", spec.country);
  add("ST", spec.state);
  add("L", spec.locality);
  add("CN", cn);
  X509_set_issuer_name(cert.get(), name);
  const EVP_MD* md = EVP_get_digestbyname(spec.digest.c_str());
  if (!md) md = EVP_sha256();
  if (!X509_sign(cert.get(), key.get(), md))
    return error(StatusCode::kInternal, "X509_sign failed");
  SSL_CTX* c = ctx.native_handle();
  if (SSL_CTX_use_certificate(c, cert.get()) != 1 || SSL_CTX_use_PrivateKey(c, key.get()) != 1)
    return error(StatusCode::kInternal, "installing the generated certificate failed");
  return Status::ok();
}

}  // namespace shipper::forward
