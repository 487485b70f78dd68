#include "engine/health.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/health_routes.hpp"
#include "io/http_server.hpp"

using namespace shipper;

namespace {

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// One HTTP/1.0 GET on loopback; returns the whole response.
std::string get(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string req = "GET " + path + " HTTP/1.0\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("live follows the I/O loop's ticks", "[health]") {
  Health& h = Health::instance();
  h.set_live_timeout(1.5);
  boost::asio::io_context io{1};
  auto guard = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  HealthTicker ticker(io);
  ticker.start();
  REQUIRE(eventually([&] { return h.seconds_since_tick() < 0.5; }, std::chrono::seconds(3)));
  CHECK(h.live());

  // A handler that blocks the loop: no ticks, so live turns false, and comes back afterwards.
  std::promise<void> release;
  auto released = release.get_future().share();
  boost::asio::post(io, [released] { released.wait(); });
  CHECK(eventually([&] { return !h.live(); }, std::chrono::seconds(5)));
  CHECK(h.live_json().find("\"live\":false") != std::string::npos);
  release.set_value();
  CHECK(eventually([&] { return h.live(); }, std::chrono::seconds(3)));

  ticker.stop();
  guard.reset();
  io.stop();
  thread.join();
  h.set_live_timeout(10);
}

TEST_CASE("the health routes answer 200 or 503 with JSON", "[health]") {
  Health& h = Health::instance();
  boost::asio::io_context io{1};
  auto guard = boost::asio::make_work_guard(io);
  std::thread thread([&] { io.run(); });
  http::HttpServer server(io, "127.0.0.1", 0);
  http::add_health_routes(server);
  REQUIRE(server.start());

  h.set_ready(false);
  std::string r = get(server.port(), "/api/ready");
  CHECK(r.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(r.find("Content-Type: application/json") != std::string::npos);
  CHECK(r.find("{\"status\":\"not ready\",\"ready\":false,\"pid\":" + std::to_string(getpid()) +
               "}") != std::string::npos);
  h.set_ready(true);
  r = get(server.port(), "/api/ready");
  CHECK(r.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(r.find("\"ready\":true") != std::string::npos);
  // No ticker runs here: tick by hand, then let the tick age past a short timeout.
  Health::instance().tick();
  r = get(server.port(), "/api/health");
  CHECK(r.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(r.find("\"live\":true") != std::string::npos);
  h.set_live_timeout(0.05);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  r = get(server.port(), "/api/health");
  CHECK(r.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(r.find("\"status\":\"stalled\"") != std::string::npos);
  h.set_live_timeout(10);
  h.set_ready(false);

  server.stop();
  guard.reset();
  io.stop();
  thread.join();
}
