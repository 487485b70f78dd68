// `shipper status`: asks a running shipper (monitor_agent's /api/plugins.json and /api/health)
// how it is doing and prints a summary for a person, or answers an exec probe with an exit code.
//
//   shipper status [--url http://127.0.0.1:24220] [--timeout SECONDS]
//   shipper status --check-live    exit 0 when /api/health says live, else 1
//   shipper status --check-ready   exit 0 when /api/ready says ready, else 1
#include <simdjson.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "io/http_server.hpp"

namespace shipper::app {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr const char* kDefaultUrl = "http://127.0.0.1:24220";

struct Target {
  std::string host;
  uint16_t port = 0;
  std::string base;  // path prefix, without the trailing '/'
};

Result<Target> parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return error(StatusCode::kInvalidArgument, "only http:// URLs are supported: " + url);
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Target t;
  if (slash != std::string::npos) t.base = rest.substr(slash);
  while (!t.base.empty() && t.base.back() == '/') t.base.pop_back();
  bool has_port =
      !authority.empty() && authority.back() != ']' &&
      authority.find(':', authority.find(']') == std::string::npos ? 0 : authority.find(']')) !=
          std::string::npos;
  auto hp = http::parse_host_port(has_port ? authority : authority + ":80", "127.0.0.1");
  if (!hp) return hp.status();
  t.host = hp->first;
  t.port = hp->second;
  return t;
}

struct Reply {
  int status = 0;
  std::string body;
};

// One GET with an overall deadline. Only loopback addresses are contacted.
Result<Reply> http_get(const Target& t, const std::string& path, double timeout_seconds) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::error_code ec;
  auto results = resolver.resolve(t.host, std::to_string(t.port), ec);
  if (ec) return error(StatusCode::kUnavailable, "cannot resolve " + t.host + ": " + ec.message());
  std::vector<asio::ip::tcp::endpoint> loopback;
  for (const auto& r : results)
    if (r.endpoint().address().is_loopback()) loopback.push_back(r.endpoint());
  if (loopback.empty())
    return error(StatusCode::kInvalidArgument,
                 "shipper status only talks to a shipper on this host (loopback): " + t.host);
  beast::tcp_stream stream(io);
  auto deadline = std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  stream.expires_after(deadline);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, t.base + path, 11};
  req.set(bhttp::field::host, t.host);
  req.set(bhttp::field::connection, "close");
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  beast::error_code result;
  stream.async_connect(loopback, [&](beast::error_code e, const asio::ip::tcp::endpoint&) {
    if (e) {
      result = e;
      return;
    }
    bhttp::async_write(stream, req, [&](beast::error_code e2, size_t) {
      if (e2) {
        result = e2;
        return;
      }
      bhttp::async_read(stream, buffer, res, [&](beast::error_code e3, size_t) { result = e3; });
    });
  });
  io.run();
  if (result) {
    std::string what = result == beast::error::timeout ? "timed out" : result.message();
    return error(StatusCode::kUnavailable, "cannot reach shipper at http://" + t.host + ":" +
                                               std::to_string(t.port) + t.base + ": " + what);
  }
  return Reply{static_cast<int>(res.result_int()), std::move(res.body())};
}

std::string str_field(simdjson::dom::object o, const char* key) {
  std::string_view v;
  if (o[key].get(v) == simdjson::SUCCESS) return std::string(v);
  return "";
}

std::optional<double> num_field(simdjson::dom::object o, const char* key) {
  simdjson::dom::element e;
  if (o[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  double d;
  if (e.get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (e.get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  uint64_t u;
  if (e.get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  return std::nullopt;
}

std::string integer(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// "12345 (12.1 KiB)" for byte counts a person reads.
std::string bytes(double v) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double x = v;
  int u = 0;
  while (x >= 1024 && u < 4) x /= 1024, ++u;
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%.0f B", v);
  else
    std::snprintf(buf, sizeof buf, "%.0f (%.1f %s)", v, x, units[u]);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

std::string summarize(simdjson::dom::array plugins) {
  std::string inputs, outputs, filters;
  for (simdjson::dom::element item : plugins) {
    simdjson::dom::object p;
    if (item.get(p) != simdjson::SUCCESS) continue;
    std::string category = str_field(p, "plugin_category");
    std::string name = pad(str_field(p, "plugin_id") + " (" + str_field(p, "type") + ")", 34);
    std::string line = "  " + name;
    if (category == "input") {
      if (auto v = num_field(p, "emit_records")) line += "records in " + integer(*v);
      if (auto v = num_field(p, "emit_size")) line += "  bytes " + bytes(*v);
      line += "\n";
      simdjson::dom::array files;
      if (p["tail_files"].get(files) == simdjson::SUCCESS) {
        for (simdjson::dom::element fe : files) {
          simdjson::dom::object f;
          if (fe.get(f) != simdjson::SUCCESS) continue;
          std::string path = str_field(f, "path");
          line += "    " + pad(path, 40) + "pos " + integer(num_field(f, "pos").value_or(0)) +
                  " / size " + integer(num_field(f, "size").value_or(0)) + "  lag " +
                  bytes(num_field(f, "lag").value_or(0));
          bool closed = false;
          if (f["closed"].get(closed) == simdjson::SUCCESS && closed) line += "  (closed)";
          line += "\n";
        }
      }
      inputs += line;
    } else if (category == "output") {
      if (auto v = num_field(p, "emit_records")) line += "records " + integer(*v);
      if (auto v = num_field(p, "write_count")) line += "  writes " + integer(*v);
      if (auto v = num_field(p, "buffer_queue_length")) line += "  queued chunks " + integer(*v);
      if (auto v = num_field(p, "buffer_total_queued_size")) line += "  buffered " + bytes(*v);
      if (auto v = num_field(p, "retry_count")) line += "  retries " + integer(*v);
      line += "\n";
      simdjson::dom::object retry;
      if (p["retry"].get(retry) == simdjson::SUCCESS) {
        std::string next = str_field(retry, "next_time");
        if (!next.empty())
          line += "    retrying since " + str_field(retry, "start") + ", step " +
                  integer(num_field(retry, "steps").value_or(0)) + ", next retry at " + next + "\n";
      }
      outputs += line;
    } else {
      if (auto v = num_field(p, "emit_records")) line += "records " + integer(*v);
      filters += line + "\n";
    }
  }
  std::string out;
  if (!inputs.empty()) out += "inputs:\n" + inputs;
  if (!outputs.empty()) out += "outputs:\n" + outputs;
  if (!filters.empty()) out += "filters:\n" + filters;
  return out;
}

void usage() {
  std::fputs(
      "Usage: shipper status [--url URL] [--timeout SECONDS] [--check-live | --check-ready]\n"
      "    --url URL          a running shipper's monitor_agent or --health-endpoint\n"
      "                       (default: $SHIPPER_STATUS_URL or http://127.0.0.1:24220)\n"
      "    --timeout SECONDS  give up after this long (default 5)\n"
      "    --check-live       exit 0 if /api/health answers 200, else 1 (exec liveness probe)\n"
      "    --check-ready      exit 0 if /api/ready answers 200, else 1 (exec readiness probe)\n",
      stdout);
}

}  // namespace

int command_status(const std::vector<std::string>& args) {
  std::string url = kDefaultUrl;
  if (const char* env = std::getenv("SHIPPER_STATUS_URL"); env && *env) url = env;
  double timeout = 5;
  enum { kSummary, kLive, kReady } mode = kSummary;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::optional<std::string> value;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto take = [&]() -> std::optional<std::string> {
      if (value) return value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    if (a == "--url") {
      auto v = take();
      if (!v) return usage(), 2;
      url = *v;
    } else if (a == "--timeout") {
      auto v = take();
      char* end = nullptr;
      if (!v || (timeout = std::strtod(v->c_str(), &end), *end != '\0') || timeout <= 0)
        return usage(), 2;
    } else if (a == "--check-live") {
      mode = kLive;
    } else if (a == "--check-ready") {
      mode = kReady;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stdout, "error: unknown argument %s\n", args[i].c_str());
      usage();
      return 2;
    }
  }
  auto target = parse_url(url);
  if (!target) {
    std::fprintf(stderr, "shipper status: %s\n", target.status().message().c_str());
    return 2;
  }

  if (mode != kSummary) {
    auto reply = http_get(*target, mode == kLive ? "/api/health" : "/api/ready", timeout);
    if (!reply) {
      std::fprintf(stderr, "shipper status: %s\n", reply.status().message().c_str());
      return 1;
    }
    std::fprintf(stdout, "%d %s\n", reply->status, reply->body.c_str());
    return reply->status == 200 ? 0 : 1;
  }

  auto health = http_get(*target, "/api/health", timeout);
  if (!health) {
    std::fprintf(stderr, "shipper status: %s\n", health.status().message().c_str());
    return 1;
  }
  simdjson::dom::parser parser;
  std::string out = "shipper at " + url + "\n";
  if (health->status == 200 || health->status == 503) {
    simdjson::dom::object h;
    if (parser.parse(health->body).get(h) == simdjson::SUCCESS) {
      bool live = false, ready = false;
      if (h["live"].get(live) != simdjson::SUCCESS) live = false;
      if (h["ready"].get(ready) != simdjson::SUCCESS) ready = false;
      out +=
          std::string("  live: ") + (live ? "yes" : "NO") + "   ready: " + (ready ? "yes" : "NO");
      if (auto pid = num_field(h, "pid")) out += "   pid: " + integer(*pid);
      out += "\n";
    }
  }
  auto plugins = http_get(*target, "/api/plugins.json?with_config=false", timeout);
  if (!plugins) {
    std::fprintf(stderr, "shipper status: %s\n", plugins.status().message().c_str());
    return 1;
  }
  if (plugins->status == 200) {
    simdjson::dom::parser plugin_parser;
    simdjson::dom::array list;
    simdjson::dom::element doc;
    if (plugin_parser.parse(plugins->body).get(doc) != simdjson::SUCCESS ||
        doc["plugins"].get(list) != simdjson::SUCCESS) {
      std::fprintf(stderr, "shipper status: /api/plugins.json is not what monitor_agent gives\n");
      return 1;
    }
    out += summarize(list);
  } else {
    out += "  (no plugin metrics here: add <source> @type monitor_agent to see them)\n";
  }
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace shipper::app
