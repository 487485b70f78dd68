#include <catch2/catch.hpp>

#include <filesystem>

#include "buffer/file_buffer.hpp"
#include "core/msgpack_writer.hpp"
#include "test_util.hpp"

using namespace shipper;
using namespace shipper::buffer;
using buffer_test::slurp;
using buffer_test::spit;
using buffer_test::TempDir;
namespace fs = std::filesystem;

namespace {
struct Fixture {
  TempDir dir;
  PluginContext ctx;
  Fixture() { ctx.id = "test"; }
  std::unique_ptr<FileBuffer> make(std::string path = "", FileSystem* filesystem = nullptr) {
    FileBuffer::Params p;
    p.path = path.empty() ? dir.path() + "/buf" : path;
    auto b = std::make_unique<FileBuffer>(p, ctx);
    if (filesystem) b->set_file_system(filesystem);
    return b;
  }
};

EventBatch batch_of(int n, const std::string& tag = "app") {
  EventBatch b;
  b.tag = tag;
  for (int i = 0; i < n; ++i) {
    std::string rec;
    MsgpackWriter w(rec);
    w.map_header(1);
    w.str("n");
    w.integer(i);
    b.append(EventTime{1700000000u + static_cast<uint32_t>(i), 0}, rec);
  }
  return b;
}

std::vector<MetaGroup> groups_of(const EventBatch& b) {
  std::vector<MetaGroup> g;
  auto keys = parse_chunk_keys({"tag"}, 0, true, std::nullopt).value();
  split_batch(keys, b, false, g);
  return g;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("path rules: directory, file pattern with '*', plain file prefix") {
  PluginContext ctx;
  FileBufferParams p;
  p.path = "/tmp/does-not-exist-dir-xyz";
  CHECK(resolve_buffer_pattern(p, ctx) == "/tmp/does-not-exist-dir-xyz/buffer.*.log");
  p.path = "/tmp/x/buf.*.chunk";
  CHECK(resolve_buffer_pattern(p, ctx) == "/tmp/x/buf.*.chunk");
  p.path = "/tmp/x/buf.*";
  CHECK(resolve_buffer_pattern(p, ctx) == "/tmp/x/buf.*.log");
  p.path.reset();
  CHECK_THROWS_AS(resolve_buffer_pattern(p, ctx), config::ConfigException);
  SystemSettings sys;
  sys.root_dir = "/var/lib/shipper";
  ctx.system = &sys;
  ctx.id = "out_x";
  ctx.has_explicit_id = true;
  CHECK(resolve_buffer_pattern(p, ctx) == "/var/lib/shipper/worker0/out_x/buffer/buffer.*.log");
}

TEST_CASE("a file chunk is read in ranges as it is stored; a file cut short is an error") {
  Fixture f;
  std::string dir = f.dir.path() + "/buf";
  fs::copy(buffer_test::fixture_dir(), dir);
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  auto chunk = b->dequeue();
  REQUIRE(chunk);
  std::string whole;
  REQUIRE(chunk->read_raw(whole).is_ok());
  REQUIRE(whole.size() == chunk->bytesize());
  REQUIRE(whole.size() > 10);
  // Pieces of every size put back together give the stored bytes.
  for (size_t piece : {size_t{1}, size_t{7}, whole.size() - 1, whole.size(), whole.size() + 5}) {
    std::string joined;
    for (uint64_t off = 0; off < whole.size(); off += piece)
      REQUIRE(chunk->read_range(off, piece, joined).is_ok());
    CHECK(joined == whole);
  }
  std::string past_end = "kept";
  REQUIRE(chunk->read_range(whole.size(), 10, past_end).is_ok());
  CHECK(past_end == "kept");
  // The file loses its tail behind the buffer's back: reading what is gone fails.
  std::string path = dir + "/buffer.q" + chunk->unique_id_hex() + ".log";
  REQUIRE(fs::exists(path));
  fs::resize_file(path, whole.size() - 3);
  std::string tail;
  CHECK(chunk->read_range(whole.size() - 5, 5, tail).code() == StatusCode::kCorrupt);
  CHECK(tail == whole.substr(whole.size() - 5, 2));  // what is left, for a backup copy
  std::string head;
  CHECK(chunk->read_range(0, 4, head).is_ok());
  CHECK(head == whole.substr(0, 4));
}

TEST_CASE("a buffer directory written by Fluentd 1.18 is resumed: b staged, q queued by m") {
  Fixture f;
  std::string dir = f.dir.path() + "/buf";
  fs::copy(buffer_test::fixture_dir(), dir);
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  CHECK(b->staged_count() == 2);
  CHECK(b->queue_length() == 2);
  auto first = b->dequeue();
  REQUIRE(first);
  CHECK(first->unique_id_hex() == "66106c46cb833d379693d7c854545e47");
  CHECK(first->record_count() == 1);
  std::string raw;
  REQUIRE(first->read_raw(raw).is_ok());
  CHECK(raw == slurp(buffer_test::fixture_dir() + "/buffer.q66106c46cb833d379693d7c854545e47.log"));
  auto second = b->dequeue();
  REQUIRE(second);
  CHECK(second->record_count() == 2);
  CHECK(second->metadata().timekey == std::optional<int64_t>(1591005600));
  b->purge(first->unique_id());
  CHECK_FALSE(fs::exists(dir + "/buffer.q66106c46cb833d379693d7c854545e47.log"));
  CHECK_FALSE(fs::exists(dir + "/buffer.q66106c46cb833d379693d7c854545e47.log.meta"));
  // Nothing was cut or moved aside: the files are intact.
  for (auto& n : names_in(dir)) CHECK(n.find("corrupt") == std::string::npos);
}

TEST_CASE("chunk files hold exactly the entries; enqueue renames b to q; meta follows") {
  Fixture f;
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  EventBatch e = batch_of(5);
  REQUIRE(b->write(groups_of(e), false, nullptr).is_ok());
  auto names = names_in(f.dir.path() + "/buf");
  REQUIRE(names.size() == 2);
  CHECK(names[0].rfind("buffer.b", 0) == 0);
  CHECK(names[0].size() == std::string("buffer.b").size() + 32 + 4);
  CHECK(names[1] == names[0] + ".meta");
  std::string path = f.dir.path() + "/buf/" + names[0];
  CHECK(slurp(path) == e.entries);
  auto meta = decode_chunk_meta(slurp(path + ".meta"));
  REQUIRE(meta.is_ok());
  CHECK(meta->records == 5);
  CHECK(meta->metadata.tag == std::optional<std::string>("app"));
  CHECK_FALSE(meta->metadata.timekey.has_value());
  CHECK(meta->metadata.seq == 0);

  b->enqueue_all();
  names = names_in(f.dir.path() + "/buf");
  REQUIRE(names.size() == 2);
  CHECK(names[0].rfind("buffer.q", 0) == 0);
  CHECK(decode_chunk_meta(slurp(f.dir.path() + "/buf/" + names[1])).value().records == 5);
}

TEST_CASE("chunk_limit_size splits a write into several chunks; an oversized event is dropped") {
  Fixture f;
  FileBuffer::Params p;
  p.path = f.dir.path() + "/buf";
  p.chunk_limit_size = config::ByteSize{200};
  FileBuffer b(p, f.ctx);
  REQUIRE(b.start().is_ok());
  EventBatch e = batch_of(40);  // ~17 bytes an event
  size_t oversized = 0;
  REQUIRE(b.write(groups_of(e), false, &oversized).is_ok());
  CHECK(oversized == 0);
  uint64_t records = 0;
  size_t chunks = 0;
  b.enqueue_all();
  while (auto c = b.dequeue()) {
    CHECK(c->bytesize() <= 200);
    records += c->record_count();
    ++chunks;
  }
  CHECK(records == 40);
  CHECK(chunks >= 4);

  EventBatch big;
  big.tag = "app";
  std::string rec;
  MsgpackWriter w(rec);
  w.map_header(1);
  w.str("m");
  w.str(std::string(300, 'x'));
  big.append(EventTime{1, 0}, rec);
  EventBatch two = batch_of(2);
  big.entries += two.entries;
  big.count += 2;
  REQUIRE(b.write(groups_of(big), false, &oversized).is_ok());
  CHECK(oversized == 1);
}

TEST_CASE("a torn write at the end of a chunk is cut at resume and the tail moved aside") {
  Fixture f;
  std::string chunk_file;
  std::string entries;
  {
    auto b = f.make();
    REQUIRE(b->start().is_ok());
    EventBatch e = batch_of(3);
    entries = e.entries;
    REQUIRE(b->write(groups_of(e), false, nullptr).is_ok());
    chunk_file = f.dir.path() + "/buf/" + names_in(f.dir.path() + "/buf")[0];
  }
  // Half of a fourth entry, as a crash in the middle of write(2) leaves it.
  EventBatch more = batch_of(4);
  std::string torn = more.entries.substr(entries.size(), 7);
  spit(chunk_file, entries + torn);
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  CHECK(b->staged_count() == 1);
  CHECK(slurp(chunk_file) == entries);
  CHECK(slurp(chunk_file + ".corrupt") == torn);
  b->enqueue_all();
  auto c = b->dequeue();
  REQUIRE(c);
  CHECK(c->record_count() == 3);
  // The resumed chunk takes new writes after its valid prefix.
  b->takeback(c->unique_id());
}

TEST_CASE("a chunk with no valid event or an unreadable meta is moved aside, never dropped") {
  Fixture f;
  std::string dir = f.dir.path() + "/buf";
  fs::create_directories(dir);
  std::string garbage = "\xc1\xc1\xc1 not msgpack at all";
  spit(dir + "/buffer.q0123456789abcdef0123456789abcdef.log", garbage);
  spit(dir + "/buffer.b1123456789abcdef0123456789abcdef.log", batch_of(1).entries);
  spit(dir + "/buffer.b1123456789abcdef0123456789abcdef.log.meta", "\xc1\x00\x00\x00\x00\x05xxxxx");
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  CHECK(b->queue_length() == 0);
  CHECK(b->staged_count() == 0);
  CHECK(slurp(dir + "/buffer.q0123456789abcdef0123456789abcdef.log.corrupt") == garbage);
  CHECK(fs::exists(dir + "/buffer.b1123456789abcdef0123456789abcdef.log.corrupt"));
  CHECK(fs::exists(dir + "/buffer.b1123456789abcdef0123456789abcdef.log.corrupt.meta"));
}

TEST_CASE("a chunk without meta (v0.12 style) is resumed as queued with no tag") {
  Fixture f;
  std::string dir = f.dir.path() + "/buf";
  fs::create_directories(dir);
  spit(dir + "/buffer.b2123456789abcdef0123456789abcdef.log", batch_of(2).entries);
  auto b = f.make();
  REQUIRE(b->start().is_ok());
  CHECK(b->queue_length() == 1);
  auto c = b->dequeue();
  CHECK(c->record_count() == 2);
  CHECK_FALSE(c->metadata().tag.has_value());
}

TEST_CASE(
    "disk full: the write is refused as back-pressure, nothing is half-written, and it resumes") {
  Fixture f;
  FaultyFileSystem faulty(FileSystem::posix());
  auto b = f.make("", &faulty);
  REQUIRE(b->start().is_ok());
  EventBatch first = batch_of(2);
  REQUIRE(b->write(groups_of(first), false, nullptr).is_ok());
  std::string chunk_file = f.dir.path() + "/buf/" + names_in(f.dir.path() + "/buf")[0];

  faulty.set_disk_full(true, 5);  // a torn write of 5 bytes, then ENOSPC
  Status st = b->write(groups_of(batch_of(3)), false, nullptr);
  CHECK(st.code() == StatusCode::kBufferFull);
  CHECK(st.message().find("ENOSPC") != std::string::npos);
  CHECK(faulty.failed_writes() >= 1);
  CHECK(slurp(chunk_file) == first.entries);  // rolled back to the committed length
  CHECK(decode_chunk_meta(slurp(chunk_file + ".meta")).value().records == 2);

  // A new chunk (another tag) cannot even be created while the disk is full.
  CHECK(b->write(groups_of(batch_of(1, "other")), false, nullptr).code() ==
        StatusCode::kBufferFull);
  CHECK(names_in(f.dir.path() + "/buf").size() == 2);

  faulty.set_disk_full(false);
  EventBatch later = batch_of(3);
  REQUIRE(b->write(groups_of(later), false, nullptr).is_ok());
  CHECK(slurp(chunk_file) == first.entries + later.entries);
  CHECK(decode_chunk_meta(slurp(chunk_file + ".meta")).value().records == 5);
}

TEST_CASE("gzip-compressed chunks are concatenated members and read back whole") {
  Fixture f;
  FileBuffer::Params p;
  p.path = f.dir.path() + "/buf";
  p.compress = "gzip";
  FileBuffer b(p, f.ctx);
  REQUIRE(b.start().is_ok());
  EventBatch a = batch_of(3), c = batch_of(4);
  REQUIRE(b.write(groups_of(a), false, nullptr).is_ok());
  REQUIRE(b.write(groups_of(c), false, nullptr).is_ok());
  b.enqueue_all();
  auto chunk = b.dequeue();
  REQUIRE(chunk);
  std::string raw, plain;
  REQUIRE(chunk->read_raw(raw).is_ok());
  CHECK(static_cast<unsigned char>(raw[0]) == 0x1f);
  REQUIRE(chunk->read(plain).is_ok());
  CHECK(plain == a.entries + c.entries);
  CHECK(chunk->record_count() == 7);
}
