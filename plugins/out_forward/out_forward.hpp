#pragma once
// out_forward: sends each buffer chunk to one node of a weighted set as one PackedForward (or
// CompressedPackedForward) message built from the chunk's bytes as they are (spec §2). With
// require_ack_response the chunk is committed only when the node echoes its ack token.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "buffer/buffered_output.hpp"
#include "plugins/out_forward/load_balancer.hpp"
#include "plugins/out_forward/node.hpp"
#include "plugins/out_forward/out_forward_params.hpp"

namespace shipper::out_forward {

class ForwardOutput : public buffer::BufferedOutput {
 public:
  using Params = out_forward::Params;
  ForwardOutput(Params params, PluginContext& ctx);
  ~ForwardOutput() override;

  Status start() override;
  void shutdown() override;
  void close() override;

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }

 protected:
  Status write(const buffer::Chunk& chunk) override;
  bool prefer_delayed_commit() const override { return params_.require_ack_response; }
  Status try_write(const buffer::Chunk& chunk) override;

 private:
  struct AckWait {
    std::unique_ptr<forward::ClientSocket> sock;
    buffer::ChunkId id;
    std::string token;
    Node* node;
    double deadline;
    std::string received;
  };

  // One PackedForward message in three pieces: head, entries, options. The entries are the
  // chunk's own bytes when they are in memory and need no (de)compression (no copy); a file
  // chunk that needs none is read and sent in pieces while the frame goes out (`streamed`), so
  // a 20 MiB chunk never sits in memory whole.
  struct Frame {
    std::string head;
    std::string entries_storage;  // used when the entries had to be read or converted
    std::vector<std::string_view> entries_pieces;  // else the chunk's bytes where they lie
    bool entries_owned = false;
    const buffer::Chunk* streamed = nullptr;
    std::string options;
    uint64_t entries_size() const {
      if (streamed) return streamed->bytesize();
      if (entries_owned) return entries_storage.size();
      uint64_t n = 0;
      for (auto p : entries_pieces) n += p.size();
      return n;
    }
  };
  // Builds the frame for a chunk: head, entries (as stored, or (de)compressed to match
  // `compress`), options. `token` non-empty in ack mode.
  Status build_frame(const buffer::Chunk& chunk, const std::string& token, Frame& frame) const;
  // Sends the frame to a node picked by the balancer; returns the socket when `keep` (ack mode).
  Result<Node*> send_chunk(const buffer::Chunk& chunk, const Frame& frame,
                           std::unique_ptr<forward::ClientSocket>* kept);
  static Status send_whole(forward::ClientSocket& sock, const Frame& frame);
  static Status send_streamed(forward::ClientSocket& sock, const Frame& frame);
  // Bytes of a streamed file chunk read and sent at a time.
  static constexpr size_t kSendPiece = 1 << 20;
  void rebuild();
  void heartbeat_loop();
  void send_heartbeat(Node& node);
  void ack_loop();
  // Reads what arrived on one waiting socket; true when the entry is finished.
  bool read_ack(AckWait& w);

  Params params_;
  NodeSettings node_settings_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unique_ptr<LoadBalancer<Node>> balancer_;
  std::string compress_;  // what the frame says: text | gzip | zstd

  std::atomic<bool> running_{false};
  std::mutex hb_mu_;
  std::condition_variable hb_cv_;
  std::thread heartbeat_thread_;
  int udp_fd_ = -1;

  std::mutex ack_mu_;
  std::condition_variable ack_cv_;
  std::vector<std::unique_ptr<AckWait>> ack_waits_;
  std::thread ack_thread_;
  int wake_fd_ = -1;  // eventfd: wakes the ack thread when a socket is added
};

}  // namespace shipper::out_forward
