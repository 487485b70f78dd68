#pragma once
// The health endpoints every shipper HTTP server can serve (monitor_agent's and the built-in
// --health-endpoint one):
//   GET /api/health  200 while the engine's I/O loop ticks (live), else 503
//   GET /api/ready   200 once the pipeline has started and until it stops, else 503
// Bodies are JSON objects (see Health::live_json / ready_json).
#include "io/http_server.hpp"

namespace shipper::http {

void add_health_routes(HttpServer& server);

}  // namespace shipper::http
