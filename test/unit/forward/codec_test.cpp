// The forward codec against frames real Fluentd 1.18 sent and answered.
#include <catch2/catch.hpp>

#include "core/event_batch.hpp"
#include "fixture_util.hpp"
#include "io/forward/compression.hpp"
#include "io/forward/frame_writer.hpp"
#include "io/forward/msgpack_cursor.hpp"
#include "io/forward/request.hpp"

using namespace shipper;
using namespace shipper::forward;
using shipper::forward::test::read_fixture;
using shipper::forward::test::split_objects;

namespace {

struct Frame {
  DecodedRequest req;
  std::string scratch;
};

void decode(const std::string& object, Frame& f, NormalizeSettings s = {}) {
  decode_request(object, s, f.req, f.scratch);
}

// The entries payload (element [1]) of a PackedForward object, as sent.
std::string_view payload_of(std::string_view object) {
  MsgpackCursor c(object);
  uint32_t n;
  std::string_view tag, payload;
  c.read_array(n);
  c.read_string(tag);
  c.read_string(payload);
  return payload;
}

}  // namespace

TEST_CASE("out_forward default frames decode as PackedForward and re-encode byte for byte") {
  for (const char* name : {"out_forward_default/conn-0003.bin", "out_forward_default/conn-0005.bin",
                           "out_forward_ack/conn-0002.bin", "out_forward_ack/conn-0005.bin"}) {
    INFO(name);
    std::string bytes = read_fixture(name);
    REQUIRE(bytes.size() > 100);
    auto objects = split_objects(bytes);
    REQUIRE(objects.size() == 1);
    REQUIRE(objects[0].size() == bytes.size());
    Frame f;
    decode(objects[0], f);
    REQUIRE(f.req.outcome == DecodedRequest::Outcome::kEvents);
    CHECK(f.req.mode == Mode::kPackedForward);
    CHECK(f.req.tag.rfind("kubernetes.var.log.containers.", 0) == 0);
    CHECK(f.req.options.compressed == "text");
    REQUIRE(f.req.options.has_size);
    CHECK(f.req.options.size == f.req.batch.count);
    CHECK(f.req.batch.count >= 1);
    // Fluentd's entries are already [EventTime, map]: passed through unchanged.
    std::string_view payload = payload_of(objects[0]);
    CHECK(f.req.batch.entries == payload);

    std::string token;
    if (f.req.options.has_chunk) {
      MsgpackCursor c(f.req.options.chunk_raw);
      std::string_view t;
      REQUIRE(c.read_string(t));
      token = std::string(t);
      CHECK(token.size() == 25);
      CHECK(token.back() == '\n');
    }
    std::string out;
    append_packed_forward_head(out, f.req.tag, static_cast<uint32_t>(payload.size()));
    out.append(payload);
    append_forward_options(out, f.req.batch.count, "text", token);
    CHECK(out == bytes);
  }
}

TEST_CASE("ack tokens are Base64 of the 16-byte chunk id with a newline") {
  std::string bytes = read_fixture("out_forward_ack/conn-0002.bin");
  Frame f;
  decode(bytes, f);
  REQUIRE(f.req.options.has_chunk);
  MsgpackCursor c(f.req.options.chunk_raw);
  std::string_view token;
  REQUIRE(c.read_string(token));
  // Decode the token back to 16 bytes and encode it again.
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string id;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : token.substr(0, 22)) {
    acc = acc << 6 | static_cast<uint32_t>(alphabet.find(ch));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      id.push_back(static_cast<char>(acc >> bits & 0xff));
    }
  }
  REQUIRE(id.size() == 16);
  CHECK(ack_token(id) == token);
  // And the listener's reply is exactly {"ack": token}.
  std::string ack;
  append_ack(ack, f.req.options.chunk_raw);
  CHECK(ack == read_fixture("out_forward_ack/conn-0002.ack-reply.bin"));
}

TEST_CASE("gzip frames decode as CompressedPackedForward") {
  for (const char* name : {"out_forward_gzip/conn-0003.bin", "out_forward_gzip/conn-0005.bin"}) {
    INFO(name);
    std::string bytes = read_fixture(name);
    Frame f;
    decode(bytes, f);
    REQUIRE(f.req.outcome == DecodedRequest::Outcome::kEvents);
    CHECK(f.req.mode == Mode::kCompressedPackedForward);
    CHECK(f.req.options.compressed == "gzip");
    CHECK(f.req.options.size == f.req.batch.count);
    std::string_view payload = payload_of(bytes);
    std::string plain;
    REQUIRE(gunzip_all(payload, 1 << 20, plain));
    CHECK(f.req.batch.entries == plain);

    // Our gzip member of the same entries with Fluentd's mtime is the same bytes (same zlib,
    // default level, OS 3).
    uint32_t mtime = static_cast<unsigned char>(payload[4]) |
                     static_cast<unsigned char>(payload[5]) << 8 |
                     static_cast<unsigned char>(payload[6]) << 16 |
                     static_cast<uint32_t>(static_cast<unsigned char>(payload[7])) << 24;
    std::string gz;
    REQUIRE(gzip_member(plain, gz, 6, mtime));
    CHECK(gz == payload);
    std::string out;
    append_packed_forward_head(out, f.req.tag, static_cast<uint32_t>(gz.size()));
    out.append(gz);
    append_forward_options(out, f.req.batch.count, "gzip", "");
    CHECK(out == bytes);
  }
}

TEST_CASE("in_forward acks match Fluentd's responses in all four modes") {
  const char* cases[] = {"1_packedforward_chunk", "2_compressedpackedforward_chunk",
                         "3_forward_chunk", "4_message_chunk", "5_packedforward_no_chunk"};
  const Mode modes[] = {Mode::kPackedForward, Mode::kCompressedPackedForward, Mode::kForward,
                        Mode::kMessage, Mode::kPackedForward};
  for (int i = 0; i < 5; ++i) {
    INFO(cases[i]);
    std::string request = read_fixture(std::string("in_forward_ack/") + cases[i] + ".request.bin");
    std::string expected =
        read_fixture(std::string("in_forward_ack/") + cases[i] + ".response.bin");
    auto objects = split_objects(request);
    REQUIRE(objects.size() == 1);
    Frame f;
    decode(objects[0], f);
    REQUIRE(f.req.outcome == DecodedRequest::Outcome::kEvents);
    CHECK(f.req.mode == modes[i]);
    CHECK(f.req.batch.count >= 1);
    CHECK(f.req.invalid == 0);
    std::string ack;
    if (f.req.options.has_chunk) append_ack(ack, f.req.options.chunk_raw);
    CHECK(ack == expected);
    // Every entry we produce is [EventTime, map].
    EntryReader reader(f.req.batch.entries);
    EntryView e;
    uint32_t n = 0;
    while (reader.next(e)) {
      ++n;
      CHECK(e.time.sec > 1500000000u);
      CHECK((static_cast<unsigned char>(e.record[0]) & 0xf0) == 0x80);
    }
    CHECK(reader.ok());
    CHECK(n == f.req.batch.count);
  }
}
