#include "plugins/out_forward/out_forward.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "buffer/compression.hpp"
#include "io/forward/frame_writer.hpp"
#include "io/forward/msgpack_cursor.hpp"
#include "io/forward/msgpack_scanner.hpp"

namespace shipper::out_forward {
namespace {

buffer::BufferedOutputOptions output_options() {
  buffer::BufferedOutputOptions o;
  o.default_buffer_type = "memory";
  o.default_chunk_keys = {"tag"};
  o.require_tag_key = true;
  return o;
}

std::string inspect(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else
      out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

ForwardOutput::ForwardOutput(Params params, PluginContext& ctx)
    : BufferedOutput(ctx, params, output_options()), params_(std::move(params)) {
  node_settings_.params = &params_;
  node_settings_.log = log();
  compress_ = params_.compress;
  if (compress_ == "zstd") log().warn("zstd compression feature is an experimental new feature.");
  if (params_.heartbeat_type == "tcp") {
    log().warn("'heartbeat_type tcp' is deprecated. use 'transport' instead.");
    params_.heartbeat_type = "transport";
  }
  if (params_.transport == "tls" && params_.tls_insecure_mode) {
    log().warn("TLS transport is configured in insecure way");
    params_.tls_verify_hostname = false;
    params_.tls_allow_self_signed_cert = true;
  }
  const bool none = params_.heartbeat_type == "none";
  for (const auto& server : params_.servers) {
    // The configuration check builds plugins without an id first; log once, when running.
    if (!plugin_id().empty())
      log().info("adding forwarding server '" + server.label() + "'" + kv("host", server.host) +
                 kv("port", int64_t(server.port)) + kv("weight", int64_t(server.weight)) +
                 kv("plugin_id", plugin_id()));
    nodes_.push_back(std::make_unique<Node>(server, node_settings_, none));
  }
  balancer_ = std::make_unique<LoadBalancer<Node>>(log());
  if (params_.require_ack_response)
    set_delayed_commit_timeout(params_.ack_response_timeout.seconds + 2);
}

ForwardOutput::~ForwardOutput() {
  close();
}

void ForwardOutput::rebuild() {
  std::vector<Node*> raw;
  for (auto& n : nodes_) raw.push_back(n.get());
  balancer_->rebuild(raw);
}

Status ForwardOutput::start() {
  if (params_.transport == "tls") {
    forward::TlsClientContext::Options o;
    o.version = params_.tls_version;
    o.ciphers = params_.tls_ciphers;
    o.insecure = params_.tls_insecure_mode;
    o.allow_self_signed = params_.tls_allow_self_signed_cert;
    o.verify_hostname = params_.tls_verify_hostname;
    if (params_.tls_cert_path && !params_.tls_cert_path->empty())
      o.ca_paths = *params_.tls_cert_path;
    else if (params_.tls_ca_cert_path)
      o.ca_paths = *params_.tls_ca_cert_path;
    o.cert_path = params_.tls_client_cert_path;
    o.key_path = params_.tls_client_private_key_path;
    o.key_passphrase = params_.tls_client_private_key_passphrase;
    auto tls = forward::TlsClientContext::create(o);
    if (!tls) return tls.status();
    node_settings_.tls = *tls;
  }
  if (params_.require_ack_response)
    log().info("delayed_commit_timeout is overwritten by ack_response_timeout");
  rebuild();
  running_ = true;
  if (params_.verify_connection_at_startup) {
    for (auto& n : nodes_) {
      auto s = n->checkout();
      if (!s) {
        log().log(LogLevel::kFatal, "forward's connection setting error: " + s.status().message());
        running_ = false;
        return error(StatusCode::kUnavailable, s.status().message());
      }
      (*s)->close();
    }
  }
  if (params_.require_ack_response) {
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ack_thread_ = std::thread([this] { ack_loop(); });
  }
  if (params_.heartbeat_type == "udp" && !nodes_.empty()) {
    auto first = nodes_.front()->address();
    int family = first ? first->storage.ss_family : AF_INET;
    udp_fd_ = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  }
  if (params_.heartbeat_type != "none" || (params_.keepalive && params_.keepalive_timeout))
    heartbeat_thread_ = std::thread([this] { heartbeat_loop(); });
  return BufferedOutput::start();
}

void ForwardOutput::shutdown() {
  BufferedOutput::shutdown();
  if (!params_.require_ack_response) return;
  // A last chance for acks in flight (Fluentd: one more collection pass), then roll back.
  const double until = wall_now() + 2.0;
  std::unique_lock lock(ack_mu_);
  ack_cv_.wait_until(lock, std::chrono::system_clock::now() + std::chrono::seconds(2),
                     [&] { return ack_waits_.empty() || wall_now() > until; });
}

void ForwardOutput::close() {
  if (running_.exchange(false)) {
    hb_cv_.notify_all();
    if (wake_fd_ >= 0) {
      uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof(one));
    }
    if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
    if (ack_thread_.joinable()) ack_thread_.join();
    std::vector<std::unique_ptr<AckWait>> rest;
    {
      std::lock_guard lock(ack_mu_);
      rest.swap(ack_waits_);
    }
    for (auto& w : rest) rollback_write(w->id, false);
    if (udp_fd_ >= 0) ::close(udp_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    udp_fd_ = wake_fd_ = -1;
    for (auto& n : nodes_) n->clear_pool();
  }
  BufferedOutput::close();
}

Status ForwardOutput::build_frame(const buffer::Chunk& chunk, const std::string& token,
                                  Frame& frame) const {
  if (!chunk.metadata().tag)
    return error(StatusCode::kInvalidArgument,
                 "ArgumentError: chunk has no tag; out_forward cannot send it");
  const buffer::Compression stored = chunk.compression();
  buffer::Compression wanted = buffer::Compression::kText;
  buffer::parse_compression(compress_, wanted);
  frame.entries_pieces.clear();
  if (stored == wanted && chunk.raw_pieces(frame.entries_pieces)) {
    frame.entries_owned = false;
  } else if (stored == wanted && chunk.bytesize() > kSendPiece) {
    // Streamed from the file. Its last byte is read now: a chunk file cut short fails here,
    // before a head announcing its size has gone out.
    std::string last;
    Status st = chunk.read_range(chunk.bytesize() - 1, 1, last);
    if (!st) return st;
    frame.streamed = &chunk;
    frame.entries_owned = false;
  } else {
    std::string raw_copy;
    std::string_view raw;
    if (std::optional<std::string_view> view = chunk.raw_view()) {
      raw = *view;
    } else {
      Status st = chunk.read_raw(raw_copy);
      if (!st) return st;
      raw = raw_copy;
    }
    frame.entries_owned = true;
    frame.entries_storage.clear();
    if (stored == wanted) {
      frame.entries_storage = std::move(raw_copy);
    } else {
      std::string plain;
      std::string_view plain_view = raw;
      if (stored != buffer::Compression::kText) {
        Status st = buffer::decompress_append(stored, raw, plain, 256ull << 20);
        if (!st) return st;
        plain_view = plain;
      }
      if (wanted == buffer::Compression::kText) {
        frame.entries_storage.assign(plain_view);
      } else {
        Status st = buffer::compress_append(wanted, plain_view, frame.entries_storage);
        if (!st) return st;
      }
    }
  }
  frame.head.clear();
  forward::append_packed_forward_head(frame.head, *chunk.metadata().tag,
                                      static_cast<uint32_t>(frame.entries_size()));
  frame.options.clear();
  forward::append_forward_options(frame.options, chunk.record_count(), compress_, token);
  return Status::ok();
}

Result<Node*> ForwardOutput::send_chunk(const buffer::Chunk& chunk, const Frame& frame,
                                        std::unique_ptr<forward::ClientSocket>* kept) {
  return balancer_->select([&](Node& node) -> Status {
    auto sock = node.checkout();
    if (!sock) {
      if (!node.available()) rebuild();  // the handshake failed: the node was disabled
      return sock.status();
    }
    Status st = frame.streamed ? send_streamed(**sock, frame) : send_whole(**sock, frame);
    if (!st) return st;  // the socket is dropped, never pooled
    if (kept) {
      *kept = std::move(*sock);
    } else {
      node.heartbeat(false);
      node.release(std::move(*sock));
    }
    return Status::ok();
  });
}

Status ForwardOutput::send_whole(forward::ClientSocket& sock, const Frame& frame) {
  thread_local std::vector<std::string_view> pieces;
  pieces.clear();
  pieces.push_back(frame.head);
  if (frame.entries_owned) {
    pieces.push_back(frame.entries_storage);
  } else {
    pieces.insert(pieces.end(), frame.entries_pieces.begin(), frame.entries_pieces.end());
  }
  pieces.push_back(frame.options);
  return sock.write_all(pieces.data(), pieces.size());
}

Status ForwardOutput::send_streamed(forward::ClientSocket& sock, const Frame& frame) {
  const std::string_view head = frame.head;
  Status st = sock.write_all(&head, 1, true);
  std::string piece;
  const uint64_t size = frame.streamed->bytesize();
  for (uint64_t off = 0; st && off < size; off += kSendPiece) {
    piece.clear();
    st = frame.streamed->read_range(off, kSendPiece, piece);
    if (st && piece.size() != std::min<uint64_t>(kSendPiece, size - off))
      st = error(StatusCode::kCorrupt, "chunk file changed while it was sent");
    if (st) {
      const std::string_view view = piece;
      st = sock.write_all(&view, 1, true);
    }
  }
  if (!st) return st;
  const std::string_view options = frame.options;
  return sock.write_all(&options, 1);
}

Status ForwardOutput::write(const buffer::Chunk& chunk) {
  if (chunk.record_count() == 0) return Status::ok();
  Frame frame;
  Status st = build_frame(chunk, "", frame);
  if (!st) return st;
  auto r = send_chunk(chunk, frame, nullptr);
  return r ? Status::ok() : r.status();
}

Status ForwardOutput::try_write(const buffer::Chunk& chunk) {
  if (chunk.record_count() == 0) return write(chunk);  // nothing to send: committed at once
  auto w = std::make_unique<AckWait>();
  w->id = chunk.unique_id();
  w->token = forward::ack_token(buffer::chunk_id_bytes(w->id));
  Frame frame;
  Status st = build_frame(chunk, w->token, frame);
  if (!st) return st;
  auto r = send_chunk(chunk, frame, &w->sock);
  if (!r) return r.status();
  w->node = *r;
  w->deadline = wall_now() + params_.ack_response_timeout.seconds;
  {
    std::lock_guard lock(ack_mu_);
    ack_waits_.push_back(std::move(w));
  }
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  return Status::ok();
}

bool ForwardOutput::read_ack(AckWait& w) {
  char buf[4096];
  auto n = w.sock->read_some(
      buf, std::min<size_t>(sizeof(buf), std::max<uint64_t>(params_.read_length.bytes, 64)), 0);
  if (!n && n.status().message() == "read timeout") return false;  // spurious wake-up
  if (!n || *n == 0) {
    log().warn("destination node closed the connection. regard it as unavailable." +
               kv("host", w.node->host()) + kv("port", int64_t(w.node->port())));
    w.node->disable();
    rebuild();
    rollback_write(w.id, false);
    w.sock->close();
    return true;
  }
  w.received.append(buf, *n);
  forward::MsgpackScanner scanner(1 << 20);
  size_t used = 0;
  auto r = scanner.scan(w.received.data(), w.received.size(), &used);
  if (r == forward::MsgpackScanner::Result::kNeedMore) return false;
  std::string_view ack;
  bool found = false;
  if (r == forward::MsgpackScanner::Result::kComplete) {
    forward::MsgpackCursor c(std::string_view(w.received).substr(0, used));
    uint32_t m = 0;
    if (c.read_map(m)) {
      for (uint32_t i = 0; i < m && !found; ++i) {
        std::string_view key;
        if (!c.read_string(key)) break;
        if (key == "ack" && c.read_string(ack))
          found = true;
        else if (!c.skip())
          break;
      }
    }
  }
  if (found && ack == w.token) {
    log().trace("got a correct ack response chunk_id=\"" + buffer::chunk_id_hex(w.id) + "\"");
    commit_write(w.id);
    w.node->release(std::move(w.sock));
  } else {
    log().warn("ack in response and chunk id in sent data are different chunk_id=\"" +
               buffer::chunk_id_hex(w.id) +
               "\" ack=" + (found ? inspect(ack) : std::string("nil")));
    rollback_write(w.id, false);
    w.sock->close();
  }
  return true;
}

void ForwardOutput::ack_loop() {
  while (running_) {
    std::vector<AckWait*> waits;
    double now = wall_now();
    {
      std::lock_guard lock(ack_mu_);
      for (auto& w : ack_waits_) waits.push_back(w.get());
    }
    std::vector<pollfd> fds;
    fds.push_back({wake_fd_, POLLIN, 0});
    double next_deadline = now + 1.0;
    for (auto* w : waits) {
      fds.push_back({w->sock->fd(), POLLIN, 0});
      next_deadline = std::min(next_deadline, w->deadline);
    }
    int timeout_ms = static_cast<int>(std::max(0.0, next_deadline - now) * 1000) + 1;
    ::poll(fds.data(), fds.size(), timeout_ms);
    if (fds[0].revents) {
      uint64_t v;
      (void)!::read(wake_fd_, &v, sizeof(v));
    }
    std::vector<AckWait*> finished;
    now = wall_now();
    for (size_t i = 0; i < waits.size(); ++i) {
      AckWait* w = waits[i];
      if (fds[i + 1].revents || w->sock->has_pending_tls_data()) {
        if (read_ack(*w)) finished.push_back(w);
      } else if (now > w->deadline) {
        log().warn("no response from node. regard it as unavailable." +
                   kv("host", w->node->host()) + kv("port", int64_t(w->node->port())));
        w->node->disable();
        rebuild();
        w->sock->close();
        rollback_write(w->id, false);
        finished.push_back(w);
      }
    }
    if (!finished.empty()) {
      std::lock_guard lock(ack_mu_);
      std::erase_if(ack_waits_, [&](const std::unique_ptr<AckWait>& w) {
        return std::find(finished.begin(), finished.end(), w.get()) != finished.end();
      });
      ack_cv_.notify_all();
    }
  }
}

void ForwardOutput::send_heartbeat(Node& node) {
  if (params_.heartbeat_type == "udp") {
    auto addr = node.address();
    if (!addr || udp_fd_ < 0) return;
    static const char zero = 0;
    ::sendto(udp_fd_, &zero, 1, 0, reinterpret_cast<const sockaddr*>(&addr->storage), addr->length);
    return;
  }
  auto sock = node.checkout();
  if (!sock) {
    log().debug("failed to send heartbeat packet" + kv("host", node.host()) +
                kv("port", int64_t(node.port())) + kv("heartbeat_type", params_.heartbeat_type) +
                kv("error", sock.status().message()));
    return;
  }
  // A connection that carries no data: the successful connect (and handshake) is the heartbeat.
  if (params_.keepalive)
    node.release(std::move(*sock));
  else
    (*sock)->close();
  if (node.heartbeat(true)) rebuild();
}

void ForwardOutput::heartbeat_loop() {
  const bool beats = params_.heartbeat_type != "none";
  const double interval = beats ? params_.heartbeat_interval.seconds : 5.0;
  double next = wall_now();
  while (running_) {
    if (beats) {
      for (auto& n : nodes_) send_heartbeat(*n);
      for (auto& n : nodes_)
        if (n->tick()) rebuild();
    }
    for (auto& n : nodes_) n->purge_expired();
    next += interval;
    if (next < wall_now()) next = wall_now() + interval;
    // Wait for the next tick; UDP replies are read meanwhile.
    while (running_ && wall_now() < next) {
      double left = next - wall_now();
      if (udp_fd_ >= 0) {
        pollfd p{udp_fd_, POLLIN, 0};
        if (::poll(&p, 1, std::max(1, static_cast<int>(std::min(left, 0.2) * 1000))) > 0) {
          char buf[128];
          sockaddr_storage from{};
          socklen_t len = sizeof(from);
          while (::recvfrom(udp_fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from),
                            &len) >= 0) {
            bool matched = false;
            for (auto& n : nodes_) {
              auto a = n->address();
              if (!a || a->length != len || std::memcmp(&a->storage, &from, len) != 0) continue;
              matched = true;
              if (n->heartbeat(true)) rebuild();
            }
            if (!matched) log().warn("Unknown heartbeat response received");
            len = sizeof(from);
          }
        }
      } else {
        std::unique_lock lock(hb_mu_);
        hb_cv_.wait_for(lock, std::chrono::duration<double>(std::min(left, 0.5)));
      }
    }
  }
}

}  // namespace shipper::out_forward
