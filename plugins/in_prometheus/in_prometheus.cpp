// prometheus input (fluent-plugin-prometheus): serves every registered metric on
// http://bind:port/metrics in the Prometheus text format 0.0.4 — what prometheus_monitor,
// prometheus_output_monitor and prometheus_tail_monitor collect, followed by shipper's own
// metrics. aggregated_metrics_path gives the same text (one worker: nothing to aggregate).
#include <zlib.h>

#include "config/schema.hpp"
#include "engine/metrics_registry.hpp"
#include "engine/registry.hpp"
#include "io/http_server.hpp"
#include "plugins/in_prometheus/shipper_metrics.hpp"

namespace shipper::in_prometheus {

struct SslParams {
  bool enable = false;
  std::optional<std::string> certificate_path;
  std::optional<std::string> private_key_path;
  std::optional<std::string> ca_path;
  std::optional<config::HashValue> extra_conf;
  static void describe(config::Schema<SslParams>& s) {
    s.param("enable", &SslParams::enable).deprecated("Use <transport tls> section");
    s.param("certificate_path", &SslParams::certificate_path)
        .deprecated("Use cert_path in <transport tls> section");
    s.param("private_key_path", &SslParams::private_key_path)
        .deprecated("Use private_key_path in <transport tls> section");
    s.param("ca_path", &SslParams::ca_path).deprecated("Use ca_path in <transport tls> section");
    s.param("extra_conf", &SslParams::extra_conf).deprecated("See http helper config");
  }
};

struct Params {
  std::string bind = "0.0.0.0";
  int64_t port = 24231;
  std::string metrics_path = "/metrics";
  std::string aggregated_metrics_path = "/aggregated_metrics";
  std::string content_encoding = "identity";
  std::optional<SslParams> ssl;
  config::FreeFormSection transport;
  static void describe(config::Schema<Params>& s) {
    s.param("bind", &Params::bind).help("address to listen on");
    s.param("port", &Params::port).help("port to listen on (plus the worker id)");
    s.param("metrics_path", &Params::metrics_path).help("path of the metrics endpoint");
    s.param("aggregated_metrics_path", &Params::aggregated_metrics_path)
        .help("path of the all-workers endpoint");
    s.param("content_encoding", &Params::content_encoding)
        .one_of({"identity", "gzip"})
        .help("encoding of the response body");
    s.section("ssl", &Params::ssl).help("TLS settings (not supported by shipper)");
    s.free_form_section("transport", &Params::transport).help("<transport tcp> only");
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      if (!ctx.diags) return;
      if (p.port < 0 || p.port > 65535)
        ctx.diags->error(e.find("port") ? e.find("port")->value_loc : e.loc, "invalid-value",
                         "port must be between 0 and 65535", "");
      bool tls =
          (p.ssl && p.ssl->enable) || (p.transport.present() && p.transport.element->arg == "tls");
      if (tls)
        ctx.diags->error(p.transport.present() ? p.transport.element->loc : e.loc, "unsupported",
                         "TLS is not supported by the prometheus input",
                         "serve /metrics over plain HTTP on a private address, or put a TLS "
                         "proxy in front");
    });
  }
};

namespace {

std::string gzip(std::string_view text) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer, as Zlib::GzipWriter writes.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return {};
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace

class PrometheusInput : public Input {
 public:
  using Params = in_prometheus::Params;
  PrometheusInput(Params p, PluginContext& ctx) : p_(std::move(p)), ctx_(ctx) {
    // Brackets are for URLs only ("[::1]"); the socket takes the bare address.
    if (p_.bind.size() > 2 && p_.bind.front() == '[' && p_.bind.back() == ']')
      p_.bind = p_.bind.substr(1, p_.bind.size() - 2);
  }

  Status start() override {
    if (!ctx_.io) return error(StatusCode::kInternal, "prometheus input has no event loop");
    server_ = std::make_unique<http::HttpServer>(*ctx_.io, p_.bind, static_cast<uint16_t>(p_.port));
    auto handler = [this](const http::HttpRequest&) { return respond(); };
    server_->route(p_.metrics_path, handler);
    if (p_.aggregated_metrics_path != p_.metrics_path)
      server_->route(p_.aggregated_metrics_path, handler);
    Status s = server_->start();
    if (!s) return s;
    ctx_.log.debug("listening prometheus http server on http://" + p_.bind + ":" +
                   std::to_string(server_->port()) + p_.metrics_path);
    return Status::ok();
  }
  void stop() override {
    if (server_) server_->stop();
  }
  void close() override { server_.reset(); }

  // The whole exposition text, as /metrics serves it (identity encoding).
  std::string render() const {
    metrics::MetricsText text;
    metrics::Registry::instance().collect(text);
    collect_shipper_metrics(ctx_.directory, text);
    return text.render();
  }

 private:
  http::HttpResponse respond() const {
    http::HttpResponse r;
    r.content_type = std::string(metrics::kContentType);
    r.body = render();
    // The gem names the encoding even when it is identity.
    if (p_.content_encoding == "gzip") r.body = gzip(r.body);
    r.headers.emplace_back("Content-Encoding", p_.content_encoding);
    return r;
  }

  Params p_;
  PluginContext& ctx_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace shipper::in_prometheus

namespace shipper {
void register_plugin_in_prometheus(Registry& registry) {
  registry.add<in_prometheus::PrometheusInput>(
      config::PluginKind::kInput, "prometheus",
      "serves the Prometheus metrics of every prometheus_* plugin on HTTP /metrics");
}
}  // namespace shipper
