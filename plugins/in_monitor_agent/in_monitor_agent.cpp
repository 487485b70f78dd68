// in_monitor_agent: Fluentd's monitoring HTTP API (/api/plugins, /api/plugins.json,
// /api/config, /api/config.json) over every plugin's report, plus shipper's /api/health and
// /api/ready. With `tag`, the same per-plugin records are emitted as events every emit_interval.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

#include "config/schema.hpp"
#include "engine/health.hpp"
#include "engine/registry.hpp"
#include "engine/router.hpp"
#include "io/health_routes.hpp"
#include "io/http_server.hpp"
#include "plugins/in_monitor_agent/plugin_info.hpp"

namespace shipper::in_monitor_agent {

struct Params {
  std::string bind = "0.0.0.0";
  int port = 24220;
  std::optional<std::string> tag;
  config::Duration emit_interval{60};
  bool include_config = true;
  bool include_retry = true;
  static void describe(config::Schema<Params>& s) {
    s.param("bind", &Params::bind).help("the address to listen on");
    s.param("port", &Params::port).help("the HTTP port");
    s.param("tag", &Params::tag).help("emit every plugin's metrics as events with this tag");
    s.param("emit_interval", &Params::emit_interval).help("seconds between emits when tag is set");
    s.param("include_config", &Params::include_config)
        .help("include each plugin's config (secrets masked)");
    s.param("include_retry", &Params::include_retry).help("include outputs' retry state");
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      if (p.port < 0 || p.port > 65535) {
        const config::Param* raw = e.find("port");
        ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-value",
                         "port must be between 0 and 65535", "use a free TCP port");
      }
      if (p.tag && p.emit_interval.seconds <= 0) {
        const config::Param* raw = e.find("emit_interval");
        ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-value",
                         "emit_interval must be positive", "use a number of seconds, e.g. 60");
      }
    });
  }
};

namespace {

// Fluent::Config.bool_value: "", "true", "yes" are true.
bool bool_value(const std::string& v) {
  return v.empty() || v == "true" || v == "yes";
}

http::HttpResponse not_found() {
  return http::HttpResponse::json(R"({"message":"Not found"})", 404);
}

}  // namespace

class MonitorAgentInput : public Input {
  struct EmitState {
    std::mutex mu;
    bool stopped = false;
  };

 public:
  using Params = in_monitor_agent::Params;
  MonitorAgentInput(Params p, PluginContext& ctx) : p_(std::move(p)), ctx_(ctx) {}

  Status start() override {
    if (!ctx_.io) return error(StatusCode::kInternal, "monitor_agent has no event loop");
    server_ = std::make_unique<http::HttpServer>(*ctx_.io, p_.bind, static_cast<uint16_t>(p_.port));
    server_->route("/", [](const http::HttpRequest&) { return not_found(); });
    server_->route("/api/plugins",
                   [this](const http::HttpRequest& r) { return plugins(r, false); });
    server_->route("/api/plugins.json",
                   [this](const http::HttpRequest& r) { return plugins(r, true); });
    server_->route("/api/config", [this](const http::HttpRequest& r) { return config(r, false); });
    server_->route("/api/config.json",
                   [this](const http::HttpRequest& r) { return config(r, true); });
    http::add_health_routes(*server_);
    Status s = server_->start();
    if (!s) return s;
    ctx_.log.debug("listening monitoring http server on http://" + p_.bind + ":" +
                   std::to_string(server_->port()) + "/api/plugins for worker0");
    if (p_.tag && ctx_.router) {
      timer_.emplace(*ctx_.io);
      boost::asio::post(*ctx_.io, [this] { schedule(); });
    }
    return Status::ok();
  }

  void stop() override {
    if (timer_ && ctx_.io) {
      auto done = std::make_shared<std::promise<void>>();
      auto fut = done->get_future();
      boost::asio::post(*ctx_.io, [this, done] {
        timer_stopped_ = true;
        timer_->cancel();
        done->set_value();
      });
      fut.wait_for(std::chrono::seconds(5));
    }
    // Waits for an emit in progress; emits posted later see `stopped` and touch nothing else.
    std::lock_guard lock(emit_->mu);
    emit_->stopped = true;
  }

  // The API keeps answering while outputs flush at shutdown; it closes last (Fluentd closes it
  // at shutdown, before outputs flush, which hides the flush from monitoring).
  void close() override {
    if (server_) server_->stop();
  }

 private:
  InfoOptions options_from(const http::HttpRequest& r, bool& pretty) const {
    InfoOptions o;
    o.with_config = p_.include_config;
    o.with_retry = p_.include_retry;
    if (r.has_param("debug")) {
      o.with_debug_info = true;
      pretty = true;
    }
    if (r.has_param("pretty_json")) pretty = bool_value(*r.param("pretty_json"));
    if (auto ivars = r.param("with_ivars")) {
      std::vector<std::string> names;
      size_t pos = 0;
      while (pos <= ivars->size()) {
        size_t comma = ivars->find(',', pos);
        if (comma == std::string::npos) comma = ivars->size();
        names.push_back(ivars->substr(pos, comma - pos));
        pos = comma + 1;
      }
      o.ivars = std::move(names);
    }
    if (auto v = r.param("with_config")) o.with_config = bool_value(*v);
    if (auto v = r.param("with_retry")) o.with_retry = bool_value(*v);
    return o;
  }

  // Fluentd's search order: tag, @id, id, @type, type, else every plugin.
  InfoValue select(const http::HttpRequest& r, const InfoOptions& o) const {
    InfoValue list = InfoValue::array();
    const auto& entries = ctx_.directory->entries();
    if (auto tag = r.param("tag")) {
      // The output the top-level <match> rules send this tag to.
      EventRouter* root = ctx_.label_router ? ctx_.label_router("@ROOT") : nullptr;
      auto* router = dynamic_cast<Router*>(root);
      Output* out = router ? router->output_for(*tag) : nullptr;
      for (const auto& e : entries)
        if (out && e.plugin == out) {
          list.push(plugin_info(e, o));
          break;
        }
      return list;
    }
    std::optional<std::string> id = r.param("@id");
    if (!id) id = r.param("id");
    if (id) {
      for (const auto& e : entries)
        if (e.ctx->id == *id) {
          list.push(plugin_info(e, o));
          break;
        }
      return list;
    }
    std::optional<std::string> type = r.param("@type");
    if (!type) type = r.param("type");
    for (const auto& e : entries)
      if (!type || e.ctx->type == *type) list.push(plugin_info(e, o));
    return list;
  }

  http::HttpResponse plugins(const http::HttpRequest& r, bool json) const {
    if (r.path != (json ? "/api/plugins.json" : "/api/plugins")) return not_found();
    if (!ctx_.directory) return http::HttpResponse::json("{\"plugins\":[]}");
    bool pretty = false;
    InfoOptions o = options_from(r, pretty);
    InfoValue list = select(r, o);
    if (json) {
      InfoValue body = InfoValue::object();
      body.set("plugins", std::move(list));
      http::HttpResponse res = http::HttpResponse::json(body.to_json(pretty));
      return res;
    }
    std::string text;
    if (const auto* a = list.as_array())
      for (const auto& item : *a) text += ltsv_line(item) + "\n";
    http::HttpResponse res = http::HttpResponse::text(std::move(text));
    res.content_type = "text/plain";
    return res;
  }

  // Fluentd: pid, ppid and the supervisor's options.
  http::HttpResponse config(const http::HttpRequest& r, bool json) const {
    RunOptions run = Health::instance().run_options();
    InfoValue o = InfoValue::object();
    o.set("pid", static_cast<int64_t>(getpid()));
    o.set("ppid", static_cast<int64_t>(getppid()));
    o.set("config_path", run.config_path);
    o.set("pid_file", InfoValue());
    InfoValue dirs = InfoValue::array();
    dirs.push("/etc/fluent/plugin");
    for (const auto& d : run.plugin_dirs) dirs.push(d);
    o.set("plugin_dirs", std::move(dirs));
    o.set("log_path", run.log_path.empty() ? InfoValue() : InfoValue(run.log_path));
    const std::string root_dir = ctx_.system ? ctx_.system->root_dir : "";
    o.set("root_dir", root_dir.empty() ? InfoValue() : InfoValue(root_dir));
    if (json) {
      bool pretty = r.has_param("pretty_json") && bool_value(*r.param("pretty_json"));
      return http::HttpResponse::json(o.to_json(pretty));
    }
    std::string text;
    if (const auto* obj = o.as_object())
      for (const auto& [k, v] : *obj) text += (text.empty() ? "" : "\t") + k + ":" + v.to_text();
    http::HttpResponse res = http::HttpResponse::text(std::move(text));
    res.content_type = "text/plain";
    return res;
  }

  void schedule() {
    timer_->expires_after(
        std::chrono::milliseconds(static_cast<int64_t>(p_.emit_interval.seconds * 1000)));
    timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || timer_stopped_) return;
      // Emitting writes to output buffers: do it off the I/O thread when a worker pool exists.
      if (ctx_.worker_io)
        boost::asio::post(*ctx_.worker_io, [this, state = emit_] { emit_reports(*state); });
      else
        emit_reports(*emit_);
      schedule();
    });
  }

  void emit_reports(EmitState& state) {
    std::lock_guard lock(state.mu);
    if (state.stopped || !ctx_.directory) return;
    InfoOptions o;
    o.with_config = false;
    o.with_retry = false;
    o.with_tail_files = false;
    EventBatch batch;
    batch.tag = *p_.tag;
    EventTime now = EventTime::now();
    for (const auto& e : ctx_.directory->entries()) {
      batch.begin_entry(now);
      MsgpackWriter w(batch.entries);
      plugin_info(e, o).to_msgpack(w);
      batch.commit_entry();
    }
    if (batch.empty()) return;
    Status s = ctx_.router->emit(batch);
    if (!s) ctx_.log.debug("emit failed: " + s.message());
  }

  Params p_;
  PluginContext& ctx_;
  std::unique_ptr<http::HttpServer> server_;
  std::optional<boost::asio::steady_timer> timer_;
  bool timer_stopped_ = false;  // I/O thread only
  std::shared_ptr<EmitState> emit_ = std::make_shared<EmitState>();
};

}  // namespace shipper::in_monitor_agent

namespace shipper {
void register_plugin_in_monitor_agent(Registry& registry) {
  registry.add<in_monitor_agent::MonitorAgentInput>(
      config::PluginKind::kInput, "monitor_agent",
      "HTTP API with every plugin's metrics (Fluentd's /api/plugins.json), health endpoints");
}
}  // namespace shipper
