// in_tail's read buffer: reads land after what is kept, handled bytes leave from the front, and
// the slack after the end is always there and initialised.
#include <fcntl.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "plugins/in_tail/read_buffer.hpp"

using shipper::in_tail::ReadBuffer;

namespace {
struct TempFile {
  std::string path;
  int fd = -1;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/read_buffer_testXXXXXX";
    fd = ::mkstemp(name);
    path = name;
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  }
  ~TempFile() {
    ::close(fd);
    ::unlink(path.c_str());
  }
};

std::string text_of(const ReadBuffer& b) {
  return std::string(b.data(), b.size());
}

void check_slack(const ReadBuffer& b) {
  const char* end = b.data() + b.size();
  REQUIRE(b.readable_after(end) == ReadBuffer::kSlack);
  for (size_t i = 0; i < ReadBuffer::kSlack; ++i) CHECK(end[i] == ' ');
}
}  // namespace

TEST_CASE("read buffer: reads, front erasure, compaction and growth keep the bytes in order") {
  std::string content;
  for (int i = 0; i < 20000; ++i) content += "line-" + std::to_string(i) + "\n";
  TempFile f(content);
  ReadBuffer b;
  CHECK(b.empty());
  std::string handled;
  off_t offset = 0;
  // Read in odd-sized steps and handle most of what is there each time, so the kept bytes are
  // moved to the front and the buffer grows along the way.
  for (size_t step : {100u, 70000u, 5000u, 131072u, 1u, 9000u, 300000u}) {
    ssize_t n = b.read_at(f.fd, step, offset);
    REQUIRE(n >= 0);
    offset += n;
    check_slack(b);
    size_t take = b.size() * 2 / 3;
    handled.append(b.data(), take);
    b.erase_front(take);
    check_slack(b);
  }
  handled += text_of(b);
  CHECK(static_cast<size_t>(offset) == content.size());
  CHECK(handled == content);
}

TEST_CASE("read buffer: holds() and readable_after() describe views into it") {
  TempFile f("{\"a\":1}\n{\"b\":2}\n");
  ReadBuffer b;
  REQUIRE(b.read_at(f.fd, 4096, 0) == 16);
  std::string_view first(b.data(), 7);
  CHECK(b.holds(first));
  CHECK(b.readable_after(first.data() + first.size()) == 9 + ReadBuffer::kSlack);
  std::string elsewhere = "{\"a\":1}";
  CHECK_FALSE(b.holds(elsewhere));
  CHECK_FALSE(b.holds(std::string_view(b.data() + 10, 7)));  // runs past the end
}

TEST_CASE("read buffer: an emptied buffer is released, and reading again works") {
  TempFile f("abc\n");
  ReadBuffer b;
  REQUIRE(b.read_at(f.fd, 4096, 0) == 4);
  b.release_if_empty();
  CHECK(text_of(b) == "abc\n");  // not empty: kept
  b.clear();
  b.release_if_empty();
  CHECK(b.empty());
  CHECK_FALSE(b.holds(std::string_view("x")));
  REQUIRE(b.read_at(f.fd, 4096, 1) == 3);
  CHECK(text_of(b) == "bc\n");
  check_slack(b);
  REQUIRE(b.read_at(f.fd, 4096, 4) == 0);  // at the end
  check_slack(b);
}
