#pragma once
// A small HTTP/1.1 server for monitoring endpoints (monitor_agent, Prometheus, health), on the
// engine's I/O context. Handlers run on the I/O thread and must be quick: they read counters and
// format a report, nothing more. GET only; a request that is not valid HTTP, too large, or too
// slow is answered with an error status (when there is still something to answer) and closed.
//
//   http::HttpServer server(*ctx.io, "127.0.0.1", 24220);
//   server.route("/api/plugins.json", [](const http::HttpRequest& req) {
//     return http::HttpResponse::json(R"({"plugins":[]})");
//   });
//   Status s = server.start();   // binds and listens; errors as Status
//   ...
//   server.stop();               // closes the listener and every connection
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace boost::asio {
class io_context;
}

namespace shipper::http {

struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoded path, without the query
  // Query parameters, percent-decoded ('+' is a space), in the order sent; a key without '='
  // has an empty value.
  std::vector<std::pair<std::string, std::string>> query;

  // The first value of `key`, or nullopt when absent.
  std::optional<std::string> param(std::string_view key) const;
  bool has_param(std::string_view key) const { return param(key).has_value(); }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse text(std::string body, int status = 200);
  static HttpResponse json(std::string body, int status = 200);
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Limits of one connection; the defaults suit monitoring requests.
struct HttpLimits {
  size_t max_header_bytes = 8 * 1024;  // request line + headers; more: 431
  size_t max_body_bytes = 8 * 1024;    // a GET has none; more: 413
  double read_timeout_seconds = 10;    // a request must arrive within this time
  size_t max_connections = 64;         // more are closed at once
  int max_requests_per_connection = 100;
};

class HttpServer {
 public:
  // `bind` is an IP address ("0.0.0.0", "::", "127.0.0.1") or a host name resolved at start().
  // Port 0 picks a free port (see port()).
  HttpServer(boost::asio::io_context& io, std::string bind, uint16_t port, HttpLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Serves requests whose path is `prefix`, or lies under it (`prefix` + "/..."; any path when
  // the prefix ends with '/'). The longest matching prefix wins; no match: 404. Call before
  // start().
  void route(std::string prefix, Handler handler);

  // Binds and listens. Safe to call from any thread.
  Status start();
  // Closes the listener and every open connection; no handler runs after stop() returns. Safe
  // from any thread, and more than once.
  void stop();

  // The port actually bound (after start()).
  uint16_t port() const;
  const std::string& bind_address() const { return bind_; }

  struct State;  // shared with the connections

 private:
  boost::asio::io_context& io_;
  std::string bind_;
  uint16_t port_;
  bool started_ = false;  // owner's thread only
  std::shared_ptr<State> state_;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Invalid escapes stay as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);
// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);
// "HOST:PORT", "[v6]:PORT" or ":PORT"/"PORT" (host defaults to `default_host`).
Result<std::pair<std::string, uint16_t>> parse_host_port(std::string_view text,
                                                         std::string_view default_host);

}  // namespace shipper::http
