#include "io/health_routes.hpp"

#include "engine/health.hpp"

namespace shipper::http {

void add_health_routes(HttpServer& server) {
  server.route("/api/health", [](const HttpRequest&) {
    const Health& h = Health::instance();
    return HttpResponse::json(h.live_json(), h.live() ? 200 : 503);
  });
  server.route("/api/ready", [](const HttpRequest&) {
    const Health& h = Health::instance();
    return HttpResponse::json(h.ready_json(), h.ready() ? 200 : 503);
  });
}

}  // namespace shipper::http
