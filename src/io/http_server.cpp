#include "io/http_server.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <set>

namespace shipper::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string> HttpRequest::param(std::string_view key) const {
  for (const auto& [k, v] : query)
    if (k == key) return v;
  return std::nullopt;
}

HttpResponse HttpResponse::text(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::json(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view part = query.substr(pos, amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(percent_decode(part, true), "");
      else
        out.emplace_back(percent_decode(part.substr(0, eq), true),
                         percent_decode(part.substr(eq + 1), true));
    }
    pos = amp + 1;
  }
  return out;
}

Result<std::pair<std::string, uint16_t>> parse_host_port(std::string_view text,
                                                         std::string_view default_host) {
  std::string host(default_host);
  std::string_view port_text = text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return error(StatusCode::kInvalidArgument, "expected [ADDRESS]:PORT: " + std::string(text));
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon)
      return error(StatusCode::kInvalidArgument,
                   "an IPv6 address must be written [ADDRESS]:PORT: " + std::string(text));
    if (colon > 0) host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5)
    return error(StatusCode::kInvalidArgument, "invalid port in " + std::string(text));
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9')
      return error(StatusCode::kInvalidArgument, "invalid port in " + std::string(text));
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535)
    return error(StatusCode::kInvalidArgument, "invalid port in " + std::string(text));
  return std::make_pair(host, static_cast<uint16_t>(port));
}

class Session;

struct HttpServer::State {
  explicit State(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  std::vector<std::pair<std::string, Handler>> routes;
  HttpLimits limits;
  bool stopped = false;         // I/O thread only
  std::set<Session*> sessions;  // I/O thread only

  const Handler* find(const std::string& path) const {
    const Handler* best = nullptr;
    size_t best_len = 0;
    for (const auto& [prefix, handler] : routes) {
      bool match = path == prefix ||
                   (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
                    (prefix.back() == '/' || path[prefix.size()] == '/'));
      if (match && (best == nullptr || prefix.size() > best_len)) {
        best = &handler;
        best_len = prefix.size();
      }
    }
    return best;
  }
  void close_all();
};

namespace {

HttpResponse error_response(int status) {
  std::string body = std::to_string(status) + " " +
                     std::string(bhttp::obsolete_reason(static_cast<bhttp::status>(status))) + "\n";
  return HttpResponse::text(std::move(body), status);
}

}  // namespace

// One accepted connection: read a request, answer it, repeat while keep-alive allows.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
      : stream_(std::move(socket)),
        buffer_(state->limits.max_header_bytes + state->limits.max_body_bytes),
        state_(std::move(state)) {
    state_->sessions.insert(this);
  }
  ~Session() { state_->sessions.erase(this); }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_->limits.max_header_bytes));
    parser_->body_limit(state_->limits.max_body_bytes);
    stream_.expires_after(std::chrono::milliseconds(
        static_cast<int64_t>(state_->limits.read_timeout_seconds * 1000)));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void on_read(beast::error_code ec) {
    if (state_->stopped) return close();
    if (ec) {
      // Garbage gets an answer; a peer that went away or stalled does not.
      if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
        return respond(error_response(431), false);
      if (ec == bhttp::error::body_limit) return respond(error_response(413), false);
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        return respond(error_response(400), false);
      return close();
    }
    auto& req = parser_->get();
    ++served_;
    bool keep_alive = req.keep_alive() && served_ < state_->limits.max_requests_per_connection;
    if (req.method() != bhttp::verb::get) {
      HttpResponse r = error_response(405);
      r.headers.emplace_back("Allow", "GET");
      return respond(std::move(r), keep_alive);
    }
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    std::string_view target(req.target().data(), req.target().size());
    size_t q = target.find('?');
    request.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) request.query = parse_query(target.substr(q + 1));
    if (request.path.empty() || request.path.front() != '/')
      return respond(error_response(400), false);
    const Handler* handler = state_->find(request.path);
    if (!handler) return respond(error_response(404), keep_alive);
    HttpResponse response;
    try {
      response = (*handler)(request);
    } catch (const std::exception&) {
      response = error_response(500);
    }
    respond(std::move(response), keep_alive);
  }

  void respond(HttpResponse r, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(bhttp::field::server, "shipper");
    res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(
        static_cast<int64_t>(state_->limits.read_timeout_seconds * 1000)));
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive](beast::error_code ec, size_t) {
                         if (ec || self->state_->stopped) return self->close();
                         if (!keep_alive) return self->finish();
                         self->read();
                       });
  }

  // After the last response: closing with unread request bytes in the socket would send a
  // reset that can destroy the response before the peer reads it. Half-close instead and
  // discard what the peer still sends, for a second at most.
  void finish() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(1));
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->state_->stopped || self->drained_ > kMaxDrain)
                                return self->close();
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<HttpServer::State> state_;
  int served_ = 0;
  static constexpr size_t kMaxDrain = 1 << 20;
  std::array<char, 4096> scratch_;
  size_t drained_ = 0;
};

void HttpServer::State::close_all() {
  stopped = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  // Closing cancels each connection's pending operation; its handler then drops the session.
  std::vector<Session*> open(sessions.begin(), sessions.end());
  for (Session* s : open) s->close();
}

namespace {

void accept_loop(std::shared_ptr<HttpServer::State> state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped) return;
    if (!ec) {
      if (state->sessions.size() >= state->limits.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), state)->read();
      }
    } else if (ec == asio::error::operation_aborted) {
      return;
    }
    // Other accept errors (EMFILE, ECONNABORTED) are transient: keep accepting.
    accept_loop(state);
  });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, std::string bind, uint16_t port, HttpLimits limits)
    : io_(io), bind_(std::move(bind)), port_(port), state_(std::make_shared<State>(io)) {
  state_->limits = limits;
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string prefix, Handler handler) {
  state_->routes.emplace_back(std::move(prefix), std::move(handler));
}

Status HttpServer::start() {
  std::string where = bind_ + ":" + std::to_string(port_);
  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(bind_, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, port_);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(bind_, std::to_string(port_), ec);
    if (ec || results.empty())
      return error(StatusCode::kInvalidArgument,
                   "cannot resolve bind address " + bind_ + ": " + ec.message());
    endpoint = results.begin()->endpoint();
  }
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return error(StatusCode::kIoError, "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor.local_endpoint(ec).port();
  started_ = true;
  asio::post(io_, [state = state_] { accept_loop(state); });
  return Status::ok();
}

void HttpServer::stop() {
  if (!started_) return;
  started_ = false;
  auto state = state_;
  if (io_.get_executor().running_in_this_thread() || io_.stopped()) {
    state->close_all();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  asio::post(io_, [state, done] {
    state->close_all();
    done->set_value();
  });
  // Bounded: a stuck I/O loop must not hang shutdown; the state stays alive with the handler.
  fut.wait_for(std::chrono::seconds(5));
}

uint16_t HttpServer::port() const {
  return port_;
}

}  // namespace shipper::http
