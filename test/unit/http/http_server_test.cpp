#include "io/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace shipper;
using namespace shipper::http;

namespace {

// The engine's shape: an io_context run by one thread.
struct IoThread {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~IoThread() {
    guard.reset();
    io.stop();
    thread.join();
  }
};

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

void send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (limits); what it answered is checked
    off += static_cast<size_t>(n);
  }
}

// Reads until the peer closes or `deadline_ms` passes.
std::string read_until_close(int fd, int deadline_ms = 5000) {
  std::string out;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  char buf[4096];
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Reads until `out` holds `count` complete responses with Content-Length bodies.
std::string read_responses(int fd, int count, int deadline_ms = 5000) {
  std::string out;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  char buf[4096];
  auto complete = [&] {
    size_t pos = 0;
    for (int i = 0; i < count; ++i) {
      size_t head_end = out.find("\r\n\r\n", pos);
      if (head_end == std::string::npos) return false;
      size_t cl = out.find("Content-Length: ", pos);
      if (cl == std::string::npos || cl > head_end) return false;
      size_t len = std::stoul(out.substr(cl + 16));
      pos = head_end + 4 + len;
      if (out.size() < pos) return false;
    }
    return true;
  };
  while (!complete() && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string exchange(uint16_t port, const std::string& request) {
  int fd = connect_to(port);
  send_all(fd, request);
  std::string out = read_until_close(fd);
  ::close(fd);
  return out;
}

struct Fixture {
  IoThread io;
  HttpServer server{io.io, "127.0.0.1", 0};
  std::vector<HttpRequest> seen;
  Fixture() {
    server.route("/api/plugins", [this](const HttpRequest& r) {
      seen.push_back(r);
      return HttpResponse::text("plugins\n");
    });
    server.route("/api/plugins.json", [this](const HttpRequest& r) {
      seen.push_back(r);
      return HttpResponse::json("{\"plugins\":[]}");
    });
    server.route("/boom", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("handler bug");
    });
    REQUIRE(server.start());
    REQUIRE(server.port() != 0);
  }
};

}  // namespace

TEST_CASE("query strings and host:port are decoded", "[http]") {
  auto q = parse_query("a=1&b=x%20y&c&d=1+2&%40type=forward&&e=");
  REQUIRE(q.size() == 6);
  CHECK(q[0] == std::make_pair(std::string("a"), std::string("1")));
  CHECK(q[1].second == "x y");
  CHECK(q[2] == std::make_pair(std::string("c"), std::string("")));
  CHECK(q[3].second == "1 2");
  CHECK(q[4].first == "@type");
  CHECK(q[5] == std::make_pair(std::string("e"), std::string("")));
  CHECK(percent_decode("%zz%4", false) == "%zz%4");
  CHECK(percent_decode("a+b", false) == "a+b");

  auto hp = parse_host_port("127.0.0.1:24220", "127.0.0.1");
  REQUIRE(hp);
  CHECK(hp->first == "127.0.0.1");
  CHECK(hp->second == 24220);
  CHECK(parse_host_port("9880", "127.0.0.1")->first == "127.0.0.1");
  CHECK(parse_host_port(":9880", "::1")->first == "::1");
  CHECK(parse_host_port("[::1]:80", "x")->first == "::1");
  CHECK_FALSE(parse_host_port("host:", "x"));
  CHECK_FALSE(parse_host_port("host:99999", "x"));
  CHECK_FALSE(parse_host_port("::1:80", "x"));
  CHECK_FALSE(parse_host_port("host:8a", "x"));
}

TEST_CASE("GET is routed by the longest matching prefix", "[http]") {
  Fixture f;
  std::string r = exchange(f.server.port(),
                           "GET /api/plugins.json?%40type=forward&debug HTTP/1.1\r\n"
                           "Host: x\r\nConnection: close\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(r.find("Content-Type: application/json") != std::string::npos);
  CHECK(r.find("{\"plugins\":[]}") != std::string::npos);
  REQUIRE(f.seen.size() == 1);
  CHECK(f.seen[0].path == "/api/plugins.json");
  CHECK(f.seen[0].param("@type") == std::optional<std::string>("forward"));
  CHECK(f.seen[0].has_param("debug"));
  CHECK_FALSE(f.seen[0].has_param("tag"));

  r = exchange(f.server.port(), "GET /api/plugins/sub HTTP/1.0\r\n\r\n");
  CHECK(r.find("200 OK") != std::string::npos);
  CHECK(r.find("plugins\n") != std::string::npos);

  r = exchange(f.server.port(), "GET /api/pluginsX HTTP/1.0\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 404", 0) == 0);
  r = exchange(f.server.port(), "GET /boom HTTP/1.0\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 500", 0) == 0);
}

TEST_CASE("methods other than GET get 405", "[http]") {
  Fixture f;
  std::string r = exchange(f.server.port(),
                           "POST /api/plugins HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                           "Connection: close\r\n\r\nabc");
  CHECK(r.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(r.find("Allow: GET") != std::string::npos);
  CHECK(f.seen.empty());
}

TEST_CASE("garbage is answered 400 and closed", "[http]") {
  Fixture f;
  std::string r = exchange(f.server.port(), "\x16\x03\x01\x02\x00garbage\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 400", 0) == 0);
  r = exchange(f.server.port(), "GET /api/plugins HTTP/9.9\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 400", 0) == 0);
  r = exchange(f.server.port(), "GET api/plugins HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(f.seen.empty());
}

TEST_CASE("oversized requests are refused", "[http]") {
  Fixture f;
  std::string big(20000, 'a');
  std::string r = exchange(f.server.port(), "GET /api/plugins?" + big + " HTTP/1.1\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 431", 0) == 0);
  r = exchange(f.server.port(),
               "GET /api/plugins HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  CHECK(r.rfind("HTTP/1.1 431", 0) == 0);
  r = exchange(f.server.port(),
               "GET /api/plugins HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                   std::string(9000, 'b'));
  CHECK(r.rfind("HTTP/1.1 413", 0) == 0);
  CHECK(f.seen.empty());
}

TEST_CASE("keep-alive serves several requests on one connection", "[http]") {
  Fixture f;
  int fd = connect_to(f.server.port());
  send_all(fd,
           "GET /api/plugins HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /api/plugins.json HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string r = read_responses(fd, 2);
  ::close(fd);
  CHECK(r.find("plugins\n") != std::string::npos);
  CHECK(r.find("{\"plugins\":[]}") != std::string::npos);
  CHECK(f.seen.size() == 2);
}

TEST_CASE("a silent client is closed after the read timeout", "[http]") {
  IoThread io;
  HttpLimits limits;
  limits.read_timeout_seconds = 0.2;
  HttpServer server(io.io, "127.0.0.1", 0, limits);
  REQUIRE(server.start());
  int fd = connect_to(server.port());
  send_all(fd, "GET /api");  // never completes
  std::string r = read_until_close(fd, 5000);
  ::close(fd);
  CHECK(r.empty());  // closed without an answer: no complete request arrived
}

TEST_CASE("stop closes the listener and open connections", "[http]") {
  Fixture f;
  int idle = connect_to(f.server.port());
  // Let the server accept it before stopping.
  std::string r = exchange(f.server.port(), "GET /api/plugins HTTP/1.0\r\n\r\n");
  REQUIRE(r.find("200") != std::string::npos);
  f.server.stop();
  auto start = std::chrono::steady_clock::now();
  std::string rest = read_until_close(idle, 5000);
  CHECK(rest.empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  ::close(idle);

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(f.server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0);
  ::close(fd);
  f.server.stop();  // twice is fine
}

TEST_CASE("a port in use is an error from start()", "[http]") {
  IoThread io;
  HttpServer a(io.io, "127.0.0.1", 0);
  REQUIRE(a.start());
  HttpServer b(io.io, "127.0.0.1", a.port());
  Status s = b.start();
  CHECK_FALSE(s);
  CHECK(s.message().find("cannot listen on 127.0.0.1:") != std::string::npos);
  HttpServer c(io.io, "no-such-host.invalid", 0);
  CHECK_FALSE(c.start());
}
