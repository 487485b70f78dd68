#pragma once
// BufferedOutput: the base of every output with a <buffer> (out_forward, out_file, …), as
// Fluentd's Output with buffering. It owns the buffer plugin made from the <buffer> section,
// splits emitted batches by chunk keys into chunks, queues chunks by flush_mode, runs
// flush_thread_count threads that hand queued chunks to write(), and retries failures with
// Fluentd's retry state machine (backoff, <secondary>, backup of unrecoverable chunks).
//
// A subclass:
//   struct Params : buffer::OutputParams {
//     std::string path;
//     static void describe(config::Schema<Params>& s) {
//       buffer::describe_output_params(s, "file");   // <buffer>, <secondary>, time_as_integer
//       s.param("path", &Params::path).required();
//     }
//   };
//   class FileOutput : public buffer::BufferedOutput {
//     FileOutput(Params p, PluginContext& ctx) : BufferedOutput(ctx, p, {.default_chunk_keys = {}})
//     {} Status write(const buffer::Chunk& chunk) override;   // deliver, or return an error
//   };
//
// write() returns ok when the chunk is delivered (it is then deleted). An error makes the chunk
// go back to the head of the queue and starts or advances the retry state. An error whose code
// is kInvalidArgument, kCorrupt or kUnsupported is unrecoverable: the chunk goes to <secondary>
// or to the backup directory and is not retried. To get Fluentd's exact log line, prefix the
// message with the Ruby error class and ": ", e.g.
//   "Errno::ECONNREFUSED: Connection refused - connect(2) for \"127.0.0.1\" port 24299".
//
// Delayed commit (out_forward with require_ack_response): override prefer_delayed_commit() to
// return true and try_write(); when try_write returns ok the chunk stays in flight until
// commit_write(id) (delivered: deleted) or rollback_write(id) (back to the head of the queue),
// which may be called from any thread. A chunk still in flight after delayed_commit_timeout is
// rolled back by the flush thread and counts as a failure.
#include <atomic>
#include <condition_variable>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "buffer/buffer.hpp"
#include "buffer/chunk.hpp"
#include "buffer/chunk_keys.hpp"
#include "buffer/retry_state.hpp"
#include "config/schema.hpp"
#include "engine/plugin.hpp"

namespace shipper::buffer {

// Parameters every buffered output has (Fluentd's Output base), to derive a plugin's Params from.
struct OutputParams {
  config::PluginSection buffer;     // <buffer>; absent → the plugin's default buffer type
  config::PluginSection secondary;  // <secondary>
  bool time_as_integer = false;
  double slow_flush_log_threshold = 20.0;
  // v0.12 buffer parameters written directly in <match>; mapped into the buffer when the output
  // has no <buffer> section (Fluentd's compat_parameters).
  std::optional<std::string> buffer_type, buffer_path, num_threads, flush_interval,
      try_flush_interval, queued_chunk_flush_interval, disable_retry_limit, retry_limit,
      max_retry_wait, buffer_chunk_limit, buffer_queue_limit, buffer_queue_full_action,
      time_slice_wait, timezone;
};

struct CompatBufferParam {
  const char* old_name;  // at the <match> level
  const char* name;      // in <buffer>
  std::optional<std::string> OutputParams::*member;
};
inline const CompatBufferParam kCompatBufferParams[] = {
    {"buffer_type", "@type", &OutputParams::buffer_type},
    {"buffer_path", "path", &OutputParams::buffer_path},
    {"num_threads", "flush_thread_count", &OutputParams::num_threads},
    {"flush_interval", "flush_interval", &OutputParams::flush_interval},
    {"try_flush_interval", "flush_thread_interval", &OutputParams::try_flush_interval},
    {"queued_chunk_flush_interval", "flush_thread_burst_interval",
     &OutputParams::queued_chunk_flush_interval},
    {"disable_retry_limit", "retry_forever", &OutputParams::disable_retry_limit},
    {"retry_limit", "retry_max_times", &OutputParams::retry_limit},
    {"max_retry_wait", "retry_max_interval", &OutputParams::max_retry_wait},
    {"buffer_chunk_limit", "chunk_limit_size", &OutputParams::buffer_chunk_limit},
    {"buffer_queue_limit", "queue_limit_length", &OutputParams::buffer_queue_limit},
    {"buffer_queue_full_action", "overflow_action", &OutputParams::buffer_queue_full_action},
    {"time_slice_wait", "timekey_wait", &OutputParams::time_slice_wait},
    {"timezone", "timekey_zone", &OutputParams::timezone},
};

namespace detail {
template <class P, class M>
M P::*as_output(M OutputParams::*m) {
  return static_cast<M P::*>(m);
}
}  // namespace detail

// Declares the OutputParams members into the schema of P (P derives from OutputParams).
template <class P>
void describe_output_params(config::Schema<P>& s, const char* default_buffer_type) {
  using detail::as_output;
  s.plugin_section("buffer", as_output<P>(&OutputParams::buffer), config::PluginKind::kBuffer)
      .default_type(default_buffer_type)
      .help("how events are buffered before they are written");
  s.plugin_section("secondary", as_output<P>(&OutputParams::secondary), config::PluginKind::kOutput)
      .help("output used when retries take too long or a chunk cannot be written");
  s.param("time_as_integer", as_output<P>(&OutputParams::time_as_integer))
      .help("store event times as integer seconds instead of EventTime");
  s.param("slow_flush_log_threshold", as_output<P>(&OutputParams::slow_flush_log_threshold))
      .help("warn when writing one chunk takes longer than this (seconds)");
  // Declared as plain strings: the buffer's schema checks the mapped value.
  for (const auto& c : kCompatBufferParams)
    s.param(c.old_name, as_output<P>(c.member))
        .help(std::string("v0.12 name of <buffer> ") + c.name +
              " (used when there is no <buffer>)");
}

struct BufferedOutputOptions {
  std::string default_buffer_type = "memory";
  std::vector<std::string> default_chunk_keys;  // when <buffer> has no argument (out_forward: tag)
  bool require_tag_key = false;                 // ConfigError unless `tag` is a chunk key
  std::optional<double> default_timekey;        // timekey when <buffer> sets none (out_file: 1d)
  // File buffer `path` when <buffer> has none and there is no @id + root_dir (out_file: its path).
  std::optional<std::string> default_buffer_path;
};

class BufferedOutput : public Output {
 public:
  // Configures the buffer (creates the buffer plugin and the <secondary> through ctx.registry).
  // Throws config::ConfigException on a configuration error, as plugin construction may.
  BufferedOutput(PluginContext& ctx, const OutputParams& params, BufferedOutputOptions options);
  ~BufferedOutput() override;

  // Subclasses overriding these must call the base versions.
  Status start() override;   // resumes the buffer, starts the flush threads
  void stop() override;      // no-op for outputs (inputs stop first)
  void shutdown() override;  // flush_at_shutdown, then stop the threads
  void close() override;     // release the buffer

  Status emit(const EventBatch& batch) final { return write_batch(batch, nullptr); }
  Status emit_taking(EventBatch& batch) final { return write_batch(batch, &batch.entries); }
  void flush_all() override;

  // For <secondary> use and tests: write one chunk synchronously with this output.
  Status write_chunk(const Chunk& chunk) { return write(chunk); }

  // Delayed commit: the chunk sent by try_write() was delivered / must be sent again.
  void commit_write(const ChunkId& id);
  void rollback_write(const ChunkId& id, bool update_retry_state = false);

  const BufferParams& buffer_params() const;
  const ChunkKeys& chunk_keys() const { return keys_; }
  Buffer& buffer() { return *buffer_; }
  // Counters for metrics and tests.
  uint64_t retry_count() const { return retry_count_.load(); }
  uint64_t write_count() const { return write_count_.load(); }
  uint64_t rollback_count() const { return rollback_count_.load(); }
  // monitor_agent's output fields and buffer statistics, the retry state, flush latency.
  void report(PluginReport& out) const override;

 protected:
  virtual Status write(const Chunk& chunk) = 0;
  virtual bool prefer_delayed_commit() const { return false; }
  // Outputs that store their own format in chunks (out_file, as Fluentd's #format): return true
  // and append one formatted event in format(); chunks then hold that text, not msgpack.
  virtual bool formats_events() const { return false; }
  virtual void format(std::string_view tag, EventTime time, std::string_view record,
                      std::string& out) {}
  virtual Status try_write(const Chunk& chunk) { return write(chunk); }

  // ${tag}, ${tag[N]}, strftime %…, ${key}, ${chunk_id} from the chunk (Fluentd's
  // extract_placeholders). Tags or values that would make a path escape are an error.
  Result<std::string> extract_placeholders(std::string_view tmpl, const Chunk& chunk) const;
  // Fluentd's configure-time check that `tmpl` uses exactly the chunk keys; throws
  // config::ConfigException naming `param_name`.
  void validate_placeholders(std::string_view param_name, std::string_view tmpl) const;

  void set_delayed_commit_timeout(double seconds) { delayed_commit_timeout_ = seconds; }
  const Logger& log() const { return ctx_log_; }
  const std::string& plugin_id() const { return plugin_id_; }
  const PluginContext& context() const { return *ctx_; }
  bool time_as_integer() const { return time_as_integer_; }

 private:
  // emit: splits the batch by chunk keys and writes it to the buffer; `takeable` is the
  // batch's storage when the chunk may take it (emit_taking).
  Status write_batch(const EventBatch& batch, std::string* takeable);
  void enqueue_thread_run();
  void flush_thread_run(size_t index);
  bool try_flush_one();  // false: nothing to do
  void handle_write_error(const Chunk& chunk, const Status& st, bool was_secondary);
  void check_delayed_commit_timeouts();
  void backup_chunk(const Chunk& chunk, const Status& cause);
  double flush_interval_seconds() const;

  PluginContext* ctx_;
  PluginContext buffer_ctx_;  // the buffer plugin keeps a pointer to its context
  PluginContext secondary_ctx_;
  Logger ctx_log_;
  std::string plugin_id_;
  BufferedOutputOptions options_;
  config::Element default_buffer_element_;  // used when the config has no <buffer>
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<Output> secondary_;
  ChunkKeys keys_;
  std::string flush_mode_;  // resolved: lazy | interval | immediate
  bool time_as_integer_ = false;
  double slow_flush_log_threshold_ = 20.0;
  double delayed_commit_timeout_ = 60;

  mutable std::mutex mu_;               // retry state, in-flight set, thread control
  std::condition_variable cv_;          // wakes the flush threads
  std::condition_variable enqueue_cv_;  // wakes the enqueue thread (only to stop it): a notify
                                        // meant for a flush thread must not be spent on it
  std::optional<RetryState> retry_;
  struct InFlight {
    ChunkId id;
    double since;  // when the write ended (infinity while writing): the commit timeout's start
    double taken;  // when the flush took the chunk: flush latency's start
  };
  std::vector<InFlight> in_flight_;
  std::vector<std::thread> threads_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> retry_count_{0}, write_count_{0}, rollback_count_{0};
  std::atomic<uint64_t> slow_flush_count_{0}, flushed_retry_count_{0}, flush_time_ms_{0};
  // Seconds from taking a chunk off the queue to its commit (write returned, or ack received).
  static constexpr double kFlushLatencyBounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                   0.5,   1,     2.5,  5,     10,   30,  60};
  static constexpr size_t kFlushLatencyBuckets = std::size(kFlushLatencyBounds);
  std::atomic<uint64_t> flush_latency_counts_[kFlushLatencyBuckets + 1] = {};
  std::atomic<uint64_t> flush_latency_sum_us_{0};
  void observe_flush_latency(double seconds);
  std::atomic<int64_t> last_emit_warn_{0};
  std::atomic<bool> force_flush_{false};
  int64_t timekey_ = 0;
  int64_t timekey_wait_ = 0;
  double flush_interval_ = 60;
};

}  // namespace shipper::buffer
