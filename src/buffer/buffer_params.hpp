#pragma once
// Every parameter of a <buffer> section: the output base's chunk keys, flush, retry and overflow
// settings together with the buffer plugin's own (limits, compression, file paths). They are
// declared in one schema per buffer plugin, so the linter checks the whole <buffer> section.
// Defaults that depend on the buffer type (chunk_limit_size, total_limit_size, flush_at_shutdown)
// are optional here and resolved by the buffer plugin.
#include <optional>
#include <string>

#include "config/schema.hpp"

namespace shipper::buffer {

struct BufferParams {
  // <buffer tag,time,key>: nullopt = no argument (the output's default chunk keys apply).
  std::optional<config::ArrayValue> chunk_keys;

  config::Duration timekey{0};  // 0 = not set
  config::Duration timekey_wait{600};
  bool timekey_use_utc = false;
  std::optional<std::string> timekey_zone;

  std::optional<bool> flush_at_shutdown;
  std::string flush_mode = "default";
  std::optional<config::Duration> flush_interval;  // nil → 60, but "given" matters for checks
  int flush_thread_count = 1;
  double flush_thread_interval = 1.0;
  double flush_thread_burst_interval = 1.0;
  config::Duration delayed_commit_timeout{60};
  std::string overflow_action = "throw_exception";

  std::string retry_type = "exponential_backoff";
  config::Duration retry_wait{1};
  double retry_exponential_backoff_base = 2.0;
  std::optional<config::Duration> retry_max_interval;
  config::Duration retry_timeout{72 * 3600};
  std::optional<int> retry_max_times;
  bool retry_forever = false;
  double retry_secondary_threshold = 0.8;
  bool retry_randomize = true;

  std::optional<config::ByteSize> chunk_limit_size;
  std::optional<int> chunk_limit_records;
  double chunk_full_threshold = 0.95;
  std::optional<config::ByteSize> total_limit_size;
  std::optional<int> queue_limit_length;
  std::optional<int> queued_chunks_limit_size;
  std::string compress = "text";
  config::ByteSize decompression_size_limit{256ull << 20};
  bool disable_chunk_backup = false;

  // Test hook (not in Fluentd): "enospc_after=N" etc. are never read from configs; see fs.hpp.
};

// Buffer-file-only parameters, on top of BufferParams.
struct FileBufferParams : BufferParams {
  std::optional<std::string> path;
  std::string path_suffix = ".log";
  std::optional<std::string> file_permission;
  std::optional<std::string> dir_permission;
};

namespace detail {
template <class P, class M>
M P::*as(M BufferParams::*m) {
  return static_cast<M P::*>(m);
}
template <class P, class M>
M P::*as_file(M FileBufferParams::*m) {
  return static_cast<M P::*>(m);
}
}  // namespace detail

// Declares the common <buffer> parameters into the schema of P (P derives from BufferParams).
template <class P>
void describe_buffer_params(config::Schema<P>& s, const char* chunk_limit_default,
                            const char* total_limit_default,
                            const char* flush_at_shutdown_default) {
  using detail::as;
  using B = BufferParams;
  s.argument("chunk_keys", as<P>(&B::chunk_keys))
      .help("chunk keys: tag, time, record keys or $.a.b paths (comma list)");
  s.param("timekey", as<P>(&B::timekey))
      .default_text("nil")
      .help("time bucket width; required with the time chunk key");
  s.param("timekey_wait", as<P>(&B::timekey_wait))
      .help("wait after a timekey ends before flushing it");
  s.param("timekey_use_utc", as<P>(&B::timekey_use_utc))
      .help("align timekeys to UTC instead of timekey_zone");
  s.param("timekey_zone", as<P>(&B::timekey_zone))
      .help(
          "zone for timekey alignment and path time placeholders (+0900, -07:00, UTC…); default: "
          "local offset at startup");
  s.param("flush_at_shutdown", as<P>(&B::flush_at_shutdown))
      .default_text(flush_at_shutdown_default)
      .help("flush every chunk at shutdown (default true for memory, false for file)");
  s.param("flush_mode", as<P>(&B::flush_mode))
      .one_of({"default", "lazy", "interval", "immediate"})
      .help("when staged chunks are queued: lazy (timekey), interval, immediate");
  s.param("flush_interval", as<P>(&B::flush_interval))
      .default_text("60")
      .help("interval mode: flush chunks this long after creation");
  s.param("flush_thread_count", as<P>(&B::flush_thread_count))
      .help("threads writing chunks in parallel");
  s.param("flush_thread_interval", as<P>(&B::flush_thread_interval))
      .help("idle poll of flush threads (seconds)");
  s.param("flush_thread_burst_interval", as<P>(&B::flush_thread_burst_interval))
      .help("pause between consecutive chunk flushes (seconds)");
  s.param("delayed_commit_timeout", as<P>(&B::delayed_commit_timeout))
      .help(
          "roll back a chunk written in delayed-commit mode that is not committed within this "
          "time");
  s.param("overflow_action", as<P>(&B::overflow_action))
      .one_of({"throw_exception", "block", "drop_oldest_chunk"})
      .help("what a write does when the buffer is full");
  s.param("retry_type", as<P>(&B::retry_type))
      .one_of({"exponential_backoff", "periodic"})
      .help("how the wait between retries grows");
  s.param("retry_wait", as<P>(&B::retry_wait)).help("first wait after a failed flush");
  s.param("retry_exponential_backoff_base", as<P>(&B::retry_exponential_backoff_base))
      .help("growth factor of the wait");
  s.param("retry_max_interval", as<P>(&B::retry_max_interval)).help("cap of one wait");
  s.param("retry_timeout", as<P>(&B::retry_timeout))
      .help("give up (drop the queue) after this long");
  s.param("retry_max_times", as<P>(&B::retry_max_times)).help("give up after this many retries");
  s.param("retry_forever", as<P>(&B::retry_forever)).help("never give up");
  s.param("retry_secondary_threshold", as<P>(&B::retry_secondary_threshold))
      .help("fraction of the retry window after which <secondary> is used");
  s.param("retry_randomize", as<P>(&B::retry_randomize)).help("±12.5% jitter on retry waits");
  s.param("chunk_limit_size", as<P>(&B::chunk_limit_size))
      .default_text(chunk_limit_default)
      .help("maximum stored bytes of one chunk");
  s.param("chunk_limit_records", as<P>(&B::chunk_limit_records))
      .help("maximum events of one chunk");
  s.param("chunk_full_threshold", as<P>(&B::chunk_full_threshold))
      .help("a chunk this full (fraction of a limit) is queued");
  s.param("total_limit_size", as<P>(&B::total_limit_size))
      .default_text(total_limit_default)
      .help("maximum bytes of staged + queued + in-flight chunks");
  s.param("queue_limit_length", as<P>(&B::queue_limit_length))
      .help("v0.12 compatibility: total_limit_size = chunk_limit_size × N");
  s.param("queued_chunks_limit_size", as<P>(&B::queued_chunks_limit_size))
      .help("timer-driven queueing stops at this queue length (default flush_thread_count)");
  s.param("compress", as<P>(&B::compress))
      .one_of({"text", "gzip", "zstd"})
      .help("store chunks compressed (each write one gzip member / zstd frame)");
  s.param("decompression_size_limit", as<P>(&B::decompression_size_limit))
      .help("cap on the decompressed size of one chunk");
  s.param("disable_chunk_backup", as<P>(&B::disable_chunk_backup))
      .help("discard unrecoverable chunks instead of writing them to the backup directory");

  s.validate([](const P& p, const config::Element& e, config::BindContext& ctx) {
    auto err = [&](std::string msg) {
      if (ctx.diags)
        ctx.diags->error(e.loc, "invalid-buffer", config::in_section(ctx, std::move(msg)));
    };
    // "timekey is required with the time key" is checked by the output, which may default it.
    if (p.flush_thread_count < 1) err("flush_thread_count must be 1 or more");
    if (p.retry_wait.seconds <= 0) err("retry_wait must be positive");
    if (p.chunk_full_threshold <= 0 || p.chunk_full_threshold > 1)
      err("chunk_full_threshold must be in (0, 1]");
  });
}

template <class P>
void describe_file_buffer_params(config::Schema<P>& s) {
  using detail::as_file;
  using F = FileBufferParams;
  s.param("path", as_file<P>(&F::path))
      .help(
          "directory or file pattern with '*' for chunk files (default: "
          "<root_dir>/worker0/<@id>/buffer)");
  s.param("path_suffix", as_file<P>(&F::path_suffix)).help("suffix of chunk file names");
  s.param("file_permission", as_file<P>(&F::file_permission))
      .default_text("0644")
      .help("mode of chunk and meta files (octal)");
  s.param("dir_permission", as_file<P>(&F::dir_permission))
      .default_text("0755")
      .help("mode of created directories (octal)");
}

}  // namespace shipper::buffer
