// --health-endpoint: a small HTTP server with /api/health and /api/ready beside the pipeline,
// so a container without monitor_agent in its fluent.conf still answers probes.
#include <memory>

#include "app/app.hpp"
#include "io/health_routes.hpp"
#include "io/http_server.hpp"

namespace shipper::app {

void attach_health_endpoint(RunOptions& run) {
  if (run.health_endpoint.empty()) return;
  auto where = http::parse_host_port(run.health_endpoint, "127.0.0.1");
  if (!where) return;  // validated by the command line
  auto server = std::make_shared<std::unique_ptr<http::HttpServer>>();
  std::string host = where->first;
  uint16_t port = where->second;
  run.start_services = [server, host, port](boost::asio::io_context& io) -> Status {
    *server = std::make_unique<http::HttpServer>(io, host, port);
    http::add_health_routes(**server);
    Status s = (*server)->start();
    if (!s) return error(s.code(), "--health-endpoint: " + s.message());
    Logger().info("health endpoint listening" + kv("address", host) +
                  kv("port", static_cast<int64_t>((*server)->port())));
    return Status::ok();
  };
  run.stop_services = [server] {
    if (*server) (*server)->stop();
    server->reset();  // while the I/O context still exists
  };
}

}  // namespace shipper::app
