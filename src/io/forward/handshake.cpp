#include "io/forward/handshake.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "core/msgpack_writer.hpp"
#include "io/forward/msgpack_cursor.hpp"

namespace shipper::forward {

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string sha512_hex(std::initializer_list<std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr);
  for (auto p : parts) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return hex(std::string_view(reinterpret_cast<char*>(md), len));
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

std::string make_helo(std::string_view nonce, std::string_view auth, bool keepalive) {
  std::string out;
  MsgpackWriter w(out);
  w.array_header(2);
  w.str("HELO");
  w.map_header(3);
  w.str("nonce");
  w.bin(nonce);
  w.str("auth");
  w.bin(auth);
  w.str("keepalive");
  w.boolean(keepalive);
  return out;
}

bool parse_helo(std::string_view object, Helo& out) {
  MsgpackCursor c(object);
  uint32_t n = 0;
  std::string_view s;
  if (!c.read_array(n) || n != 2 || !c.read_string(s) || s != "HELO") return false;
  uint32_t m = 0;
  if (!c.read_map(m)) return false;
  for (uint32_t i = 0; i < m; ++i) {
    std::string_view key, v;
    if (!c.read_string(key)) return false;
    if (key == "nonce" && c.read_string(v)) {
      out.nonce = v;
    } else if (key == "auth" && c.read_string(v)) {
      out.auth = v;
    } else if (key == "keepalive" && (c.peek() == 0xc2 || c.peek() == 0xc3)) {
      out.keepalive = c.peek() == 0xc3;
      c.skip();
    } else if (!c.skip()) {
      return false;
    }
  }
  return true;
}

bool parse_ping(std::string_view object, Ping& out) {
  MsgpackCursor c(object);
  uint32_t n = 0;
  std::string_view s;
  if (!c.read_array(n) || n != 6 || !c.read_string(s) || s != "PING") return false;
  std::string_view f[5];
  for (auto& v : f)
    if (!c.read_string(v)) return false;
  out.hostname = f[0];
  out.salt = f[1];
  out.digest = f[2];
  out.username = f[3];
  out.password_digest = f[4];
  return true;
}

std::string make_ping(std::string_view client_hostname, std::string_view salt,
                      std::string_view shared_key, const Helo& helo, std::string_view username,
                      std::string_view password) {
  std::string out;
  MsgpackWriter w(out);
  w.array_header(6);
  w.str("PING");
  w.str(client_hostname);
  w.str(salt);
  w.str(sha512_hex({salt, client_hostname, helo.nonce, shared_key}));
  if (!helo.auth.empty()) {
    w.str(username);
    w.str(sha512_hex({helo.auth, username, password}));
  } else {
    w.str("");
    w.str("");
  }
  return out;
}

std::string make_pong(bool ok, std::string_view reason, std::string_view server_hostname,
                      std::string_view digest) {
  std::string out;
  MsgpackWriter w(out);
  w.array_header(5);
  w.str("PONG");
  w.boolean(ok);
  w.str(reason);
  w.str(server_hostname);
  w.str(digest);
  return out;
}

bool parse_pong(std::string_view object, Pong& out) {
  MsgpackCursor c(object);
  uint32_t n = 0;
  std::string_view s;
  if (!c.read_array(n) || n != 5 || !c.read_string(s) || s != "PONG") return false;
  if (c.peek() != 0xc2 && c.peek() != 0xc3) return false;
  out.ok = c.peek() == 0xc3;
  c.skip();
  std::string_view f[3];
  for (auto& v : f)
    if (!c.read_string(v)) return false;
  out.reason = f[0];
  out.hostname = f[1];
  out.digest = f[2];
  return true;
}

std::string check_pong(const Pong& pong, std::string_view self_hostname, std::string_view salt,
                       std::string_view nonce, std::string_view shared_key) {
  if (!pong.ok) return "authentication failed: " + pong.reason;
  if (pong.hostname == self_hostname)
    return "same hostname between input and output: invalid configuration";
  if (pong.digest != sha512_hex({salt, pong.hostname, nonce, shared_key}))
    return "shared key mismatch";
  return {};
}

}  // namespace shipper::forward
