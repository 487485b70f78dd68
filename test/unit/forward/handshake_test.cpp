// The shared-key handshake against the spec's test vectors.
#include <catch2/catch.hpp>

#include "io/forward/handshake.hpp"

using namespace shipper::forward;

namespace {
std::string bytes_from(int first) {
  std::string s;
  for (int i = 0; i < 16; ++i) s.push_back(static_cast<char>(first + i));
  return s;
}
}  // namespace

TEST_CASE("digests match the spec's test vectors") {
  const std::string nonce = bytes_from(0x00), auth = bytes_from(0x10);
  const std::string salt = "0123456789abcdef0123456789abcdef";
  CHECK(sha512_hex({salt, "client.example", nonce, "s3cret"}) ==
        "194c6cead9eee66e934599011091a3a1dd6f332b8b5d885775f856039ecb173de2c62a44606137b006c20e5aef"
        "3f29119730d7b5abec14b6e355687ebc8fcf7b");
  CHECK(sha512_hex({salt, "server.example", nonce, "s3cret"}) ==
        "968757296f741e697f25050a3da3f194ef5714037f8f2cc48eca152a3020529cc4f0ff52b94a9e7477be28c96b"
        "314a02f1b01a0eb3f117445de77836e0da6dcb");
  CHECK(sha512_hex({auth, "alice", "pa55"}) ==
        "c91118e5669affdbc553ded7061a3c3c1f015d32365150701344a75344ff9c4968347cbb2aebd7685f184cacfb"
        "7a04276ecc767afd3e376807eb390f1335d8eb");
}

TEST_CASE("HELO is encoded as Fluentd's in_forward sends it") {
  std::string helo = make_helo(bytes_from(0), bytes_from(0x10), true);
  std::string expected = "\x92\xa4HELO\x83\xa5nonce\xc4\x10" + bytes_from(0) +
                         "\xa4"
                         "auth\xc4\x10" +
                         bytes_from(0x10) + "\xa9keepalive\xc3";
  CHECK(helo == expected);
  Helo parsed;
  REQUIRE(parse_helo(helo, parsed));
  CHECK(parsed.nonce == bytes_from(0));
  CHECK(parsed.auth == bytes_from(0x10));
  CHECK(parsed.keepalive);
}

TEST_CASE("PING/PONG round trip, and the client's checks") {
  Helo helo{bytes_from(0), bytes_from(0x10), true};
  const std::string salt = "0123456789abcdef0123456789abcdef";
  std::string ping = make_ping("client.example", salt, "s3cret", helo, "alice", "pa55");
  Ping p;
  REQUIRE(parse_ping(ping, p));
  CHECK(p.hostname == "client.example");
  CHECK(p.digest == sha512_hex({salt, "client.example", helo.nonce, "s3cret"}));
  CHECK(p.password_digest == sha512_hex({helo.auth, "alice", "pa55"}));

  std::string pong = make_pong(true, "", "server.example",
                               sha512_hex({salt, "server.example", helo.nonce, "s3cret"}));
  Pong q;
  REQUIRE(parse_pong(pong, q));
  CHECK(check_pong(q, "client.example", salt, helo.nonce, "s3cret").empty());
  CHECK(check_pong(q, "client.example", salt, helo.nonce, "other") == "shared key mismatch");
  CHECK(!check_pong(q, "server.example", salt, helo.nonce, "s3cret").empty());
  Pong refused;
  REQUIRE(parse_pong(make_pong(false, "shared_key mismatch", "", ""), refused));
  CHECK(check_pong(refused, "client.example", salt, helo.nonce, "s3cret") ==
        "authentication failed: shared_key mismatch");
  Ping bad;
  CHECK_FALSE(parse_ping(pong, bad));
}
