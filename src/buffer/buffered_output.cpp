#include "buffer/buffered_output.hpp"

#include <sys/time.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <regex>

#include "buffer/backup.hpp"
#include "buffer/file_buffer.hpp"
#include "buffer/memory_buffer.hpp"
#include "buffer/placeholders.hpp"
#include "config/diagnostic.hpp"
#include "core/text.hpp"
#include "engine/drop_counters.hpp"
#include "engine/registry.hpp"

namespace shipper::buffer {

namespace {

double wall_now() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

[[noreturn]] void config_error(const PluginContext& ctx, const std::string& msg,
                               const char* code = "invalid-buffer") {
  config::Diagnostic d;
  if (ctx.element) d.loc = ctx.element->loc;
  d.code = code;
  d.message = msg;
  throw config::ConfigException{d};
}

void throw_first(const config::Diagnostics& diags, const PluginContext& ctx,
                 const std::string& fallback) {
  for (const auto& d : diags.items())
    if (d.severity == config::Severity::kError) throw config::ConfigException{d};
  config_error(ctx, fallback);
}

// "Errno::ECONNREFUSED: Connection refused …" → class and message; else a class from the code.
std::pair<std::string, std::string> split_error(const Status& st) {
  static const std::regex re(R"(^([A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*): ([\s\S]*)$)");
  std::smatch m;
  const std::string& msg = st.message();
  if (std::regex_match(msg, m, re)) return {m[1], m[2]};
  const char* cls = "RuntimeError";
  switch (st.code()) {
    case StatusCode::kIoError:
      cls = "IOError";
      break;
    case StatusCode::kInvalidArgument:
      cls = "ArgumentError";
      break;
    case StatusCode::kCorrupt:
      cls = "MessagePack::MalformedFormatError";
      break;
    case StatusCode::kUnsupported:
      cls = "Fluent::UnrecoverableError";
      break;
    default:
      break;
  }
  return {cls, msg};
}

bool unrecoverable(const Status& st) {
  return st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kCorrupt ||
         st.code() == StatusCode::kUnsupported;
}

std::string ruby_time(double t) {
  time_t s = static_cast<time_t>(std::llround(t));
  tm local{};
  localtime_r(&s, &local);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", &local);
  return buf;
}

}  // namespace

BufferedOutput::BufferedOutput(PluginContext& ctx, const OutputParams& params,
                               BufferedOutputOptions options)
    : ctx_(&ctx), ctx_log_(ctx.log), plugin_id_(ctx.id), options_(std::move(options)) {
  time_as_integer_ = params.time_as_integer;
  slow_flush_log_threshold_ = params.slow_flush_log_threshold;

  // The <buffer> element, or an empty one of the plugin's default type.
  default_buffer_element_.name = "buffer";
  if (ctx.element) default_buffer_element_.loc = ctx.element->loc;
  const config::Element* buf_el =
      params.buffer.present() ? params.buffer.element : &default_buffer_element_;
  std::string buf_type = params.buffer.present() && !params.buffer.type.empty()
                             ? params.buffer.type
                             : options_.default_buffer_type;
  if (!params.buffer.present()) {
    // v0.12 parameters at the <match> level become the buffer's (Fluentd's compat_parameters).
    for (const auto& c : kCompatBufferParams) {
      const auto& v = params.*(c.member);
      if (!v) continue;
      std::string value = *v;
      if (std::string_view(c.name) == "overflow_action" && value == "exception")
        value = "throw_exception";
      if (std::string_view(c.name) == "@type") buf_type = value;
      config::Param p;
      p.key = c.name;
      p.value = value;
      if (ctx.element)
        if (const config::Param* orig = ctx.element->find(c.old_name))
          p.key_loc = orig->key_loc, p.value_loc = orig->value_loc;
      default_buffer_element_.set(p);
      if (std::string_view(c.name) == "flush_interval") {
        config::Param mode;
        mode.key = "flush_mode";
        mode.value = "interval";
        default_buffer_element_.set(mode);
      }
    }
  }
  bool inject_path = buf_type == "file" && options_.default_buffer_path && !buf_el->find("path") &&
                     !(ctx.has_explicit_id && ctx.system && !ctx.system->root_dir.empty());
  if (inject_path) {
    if (buf_el != &default_buffer_element_) default_buffer_element_ = *buf_el;
    config::Param p;
    p.key = "path";
    p.value = *options_.default_buffer_path;
    p.key_loc = p.value_loc = default_buffer_element_.loc;
    default_buffer_element_.set(p);
    buf_el = &default_buffer_element_;
  }
  buffer_ctx_ = ctx;
  buffer_ctx_.kind = config::PluginKind::kBuffer;
  buffer_ctx_.type = buf_type;
  buffer_ctx_.element = buf_el;

  config::Diagnostics diags;
  config::BindContext bind;
  bind.diags = &diags;
  bind.strict = ctx.system && ctx.system->strict_config_value;
  bind.section_path = "buffer";
  std::unique_ptr<Buffer> buf;
  if (ctx.registry) {
    buf = ctx.registry->create_as<Buffer>(buffer_ctx_, bind);
  } else if (buf_type == "memory") {
    MemoryBuffer::Params p;
    if (config::bind(*buf_el, p, bind) && !diags.has_errors())
      buf = std::make_unique<MemoryBuffer>(p, buffer_ctx_);
  } else if (buf_type == "file") {
    FileBuffer::Params p;
    if (config::bind(*buf_el, p, bind) && !diags.has_errors())
      buf = std::make_unique<FileBuffer>(p, buffer_ctx_);
  }
  if (!buf) throw_first(diags, ctx, "Unknown buffer plugin '" + buf_type + "'");
  if (inject_path && params.buffer.present()) {
    // The copy was bound: mark what it used on the original for "not used" warnings.
    for (const auto& p : default_buffer_element_.params)
      if (const config::Param* orig = params.buffer.element->find(p.key))
        orig->used = orig->used || p.used;
    params.buffer.element->used = true;
  }
  buffer_ = std::move(buf);
  const BufferParams& bp = buffer_->params();
  // formats_events() is virtual: it cannot be asked here; start() sets the opaque flag.

  std::vector<std::string> keys = bp.chunk_keys ? *bp.chunk_keys : options_.default_chunk_keys;
  double timekey = bp.timekey.seconds;
  if (timekey <= 0 && options_.default_timekey) timekey = *options_.default_timekey;
  auto parsed = parse_chunk_keys(keys, timekey, bp.timekey_use_utc, bp.timekey_zone);
  if (!parsed) config_error(ctx, parsed.status().message());
  keys_ = *parsed;
  if (options_.require_tag_key && !keys_.tag)
    config_error(ctx, "out_forward requires 'tag' as a buffer chunk key (<buffer tag>)");
  if (keys_.record_keys.size() + (keys_.tag ? 1 : 0) >= 4)
    ctx_log_.warn("many chunk keys specified, and it may cause too many chunks on your system.");
  timekey_ = keys_.timekey;
  timekey_wait_ = static_cast<int64_t>(bp.timekey_wait.seconds);

  flush_mode_ = bp.flush_mode;
  if (flush_mode_ == "default") {
    flush_mode_ = keys_.time ? "lazy" : "interval";
    if (bp.flush_interval && flush_mode_ != "interval")
      ctx_log_.warn(
          "'flush_interval' is ignored because default 'flush_mode' is not 'interval': '" +
          flush_mode_ + "'");
  } else if (bp.flush_interval && flush_mode_ != "interval") {
    config_error(
        ctx,
        "'flush_interval' can't be specified when 'flush_mode' is not 'interval' explicitly: '" +
            flush_mode_ + "'");
  }
  flush_interval_ = bp.flush_interval ? bp.flush_interval->seconds : 60;
  delayed_commit_timeout_ = bp.delayed_commit_timeout.seconds;
  if (!buffer_->persistent() && bp.flush_at_shutdown && !*bp.flush_at_shutdown)
    ctx_log_.warn(
        "'flush_at_shutdown' is false, and buffer plugin 'memory' is not persistent buffer. If you "
        "stop fluentd before flushing, data will be lost");
  if (bp.retry_secondary_threshold <= 0 || bp.retry_secondary_threshold >= 1) {
    if (params.secondary.present())
      config_error(ctx, "retry_secondary_threshold must be between 0 and 1");
  }

  if (params.secondary.present()) {
    secondary_ctx_ = ctx;
    secondary_ctx_.kind = config::PluginKind::kOutput;
    secondary_ctx_.type = params.secondary.type.empty() ? ctx.type : params.secondary.type;
    secondary_ctx_.element = params.secondary.element;
    secondary_ctx_.id = ctx.id + ".secondary";
    if (!ctx.registry) config_error(ctx, "<secondary> needs the plugin registry");
    config::Diagnostics sd;
    config::BindContext sbind = bind;
    sbind.diags = &sd;
    sbind.section_path = "secondary";
    secondary_ = ctx.registry->create_as<Output>(secondary_ctx_, sbind);
    if (!secondary_) throw_first(sd, ctx, "cannot create <secondary>");
  }
}

BufferedOutput::~BufferedOutput() {
  stopping_ = true;
  cv_.notify_all();
  enqueue_cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

const BufferParams& BufferedOutput::buffer_params() const {
  return buffer_->params();
}

Status BufferedOutput::start() {
  buffer_->set_opaque_chunks(formats_events());
  Status st = buffer_->start();
  if (!st) return st;
  if (secondary_) {
    st = secondary_->start();
    if (!st) return st;
  }
  running_ = true;
  stopping_ = false;
  threads_.emplace_back([this] { enqueue_thread_run(); });
  int n = std::max(1, buffer_->params().flush_thread_count);
  for (int i = 0; i < n; ++i)
    threads_.emplace_back([this, i] { flush_thread_run(static_cast<size_t>(i)); });
  return Status::ok();
}

void BufferedOutput::stop() {}

void BufferedOutput::shutdown() {
  if (!running_) return;
  if (buffer_->flush_at_shutdown()) {
    buffer_->enqueue_all();
    force_flush_ = true;
    cv_.notify_all();
    // Flush until the queue is empty or a retry state appears (a failing destination ends it).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mu_);
        if (retry_) break;
      }
      if (buffer_->queue_length() == 0 && buffer_->in_flight_count() == 0) break;
      if (!try_flush_one()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    force_flush_ = false;
  }
  stopping_ = true;
  cv_.notify_all();
  enqueue_cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  // Chunks still waiting for a commit go back to the queue (a file buffer keeps them as q files).
  std::vector<InFlight> pending;
  {
    std::lock_guard lock(mu_);
    pending.swap(in_flight_);
  }
  for (auto& p : pending) buffer_->takeback(p.id);
  if (secondary_) secondary_->shutdown();
  running_ = false;
}

void BufferedOutput::close() {
  buffer_->close();
  if (secondary_) secondary_->close();
}

Status BufferedOutput::write_batch(const EventBatch& batch, std::string* takeable) {
  if (batch.count == 0) return Status::ok();
  thread_local std::vector<MetaGroup> groups;
  bool malformed = false;
  split_batch(keys_, batch, time_as_integer_, groups, &malformed);
  if (malformed) {
    uint64_t kept = 0;
    for (const auto& g : groups) kept += g.count;
    count_dropped(DropReason::kInvalidEvent, batch.count > kept ? batch.count - kept : 1);
  }
  if (formats_events()) {
    for (auto& g : groups) {
      std::string text;
      g.ends.clear();
      EntryReader r(g.bytes());
      EntryView e;
      while (r.next(e)) {
        format(batch.tag, e.time, e.record, text);
        g.ends.push_back(static_cast<uint32_t>(text.size()));
      }
      g.owned = std::move(text);
      g.is_borrowed = false;
      g.count = static_cast<uint32_t>(g.ends.size());
    }
  }
  if (malformed)
    ctx_log_.warn("dropped a malformed event in an emitted batch tag=\"" + batch.tag + "\"");
  bool immediate = flush_mode_ == "immediate";
  size_t oversized = 0;
  Status st = buffer_->write(groups, immediate, &oversized, takeable);
  if (!st && st.code() == StatusCode::kBufferFull &&
      buffer_->params().overflow_action == "drop_oldest_chunk") {
    uint64_t queued = buffer_->queued_records();
    if (buffer_->drop_oldest_queued()) {
      uint64_t left = buffer_->queued_records();
      count_dropped(DropReason::kBufferOverflow, queued > left ? queued - left : 0);
      st = buffer_->write(groups, immediate, &oversized, takeable);
    } else {
      ctx_log_.error("no queued chunks to be dropped for drop_oldest_chunk");
    }
  }
  groups.clear();
  if (!st) {
    int64_t now = static_cast<int64_t>(::time(nullptr));
    int64_t last = last_emit_warn_.load();
    if (now - last >= 10 && last_emit_warn_.compare_exchange_strong(last, now)) {
      if (st.code() == StatusCode::kBufferFull)
        ctx_log_.warn("failed to write data into buffer by buffer overflow action=:" +
                      buffer_->params().overflow_action + " error=\"" + st.message() + "\"");
      else
        ctx_log_.error("failed to write data into buffer error=\"" + st.message() + "\"");
    }
    if (st.code() != StatusCode::kBufferFull) return error(StatusCode::kBufferFull, st.message());
    return st;
  }
  if (oversized) count_dropped(DropReason::kRecordTooLarge, oversized);
  if (oversized)
    ctx_log_.warn(
        "a chunk can't be written by buffer chunk overflow: " + std::to_string(oversized) +
        " event(s) larger than chunk_limit_size " + std::to_string(buffer_->chunk_limit_size()) +
        " bytes were dropped tag=\"" + batch.tag + "\"");
  bool wake = immediate;
  if (!wake) {
    std::lock_guard lock(mu_);
    wake = !retry_ && buffer_->queue_length() > 0;
  }
  if (wake) cv_.notify_one();
  return Status::ok();
}

void BufferedOutput::flush_all() {
  buffer_->enqueue_all();
  force_flush_ = true;
  cv_.notify_all();
}

double BufferedOutput::flush_interval_seconds() const {
  const BufferParams& bp = buffer_->params();
  double x = 1;
  if (flush_mode_ == "interval") x = flush_interval_;
  if (keys_.time && (flush_mode_ != "interval" || timekey_ < flush_interval_))
    x = static_cast<double>(std::min(timekey_, std::max<int64_t>(timekey_wait_, 1)));
  return std::max(bp.flush_thread_interval, x / 11.0);
}

void BufferedOutput::enqueue_thread_run() {
  double period = flush_interval_seconds();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    enqueue_cv_.wait_for(lock, std::chrono::duration<double>(std::min(period, 1.0)));
    if (stopping_) break;
    lock.unlock();
    int64_t now = static_cast<int64_t>(::time(nullptr));
    if (flush_mode_ != "immediate") {
      bool interval = flush_mode_ == "interval";
      bool by_time = keys_.time;
      double fi = flush_interval_;
      int64_t tk = timekey_, tw = timekey_wait_;
      buffer_->enqueue_staged(
          [&](const StoredChunk& c) {
            if (interval && c.created_at() + fi <= now) return true;
            if (by_time && c.metadata().timekey && *c.metadata().timekey + tk + tw <= now)
              return true;
            return false;
          },
          true);
    }
    check_delayed_commit_timeouts();
    bool wake = buffer_->queue_length() > 0;
    lock.lock();
    if (wake && !retry_) cv_.notify_one();
  }
}

void BufferedOutput::check_delayed_commit_timeouts() {
  if (!prefer_delayed_commit()) return;
  double now = wall_now();
  std::vector<ChunkId> expired;
  {
    std::lock_guard lock(mu_);
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (now - it->since > delayed_commit_timeout_) {
        expired.push_back(it->id);
        it = in_flight_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& id : expired) {
    ChunkPtr c = buffer_->in_flight(id);
    ctx_log_.warn("failed to flush the buffer chunk, timeout to commit. chunk_id=\"" +
                  chunk_id_hex(id) + "\" flushed_at=" + std::to_string(static_cast<int64_t>(now)));
    buffer_->takeback(id);
    ++rollback_count_;
    std::lock_guard lock(mu_);
    double n = wall_now();
    if (!retry_)
      retry_.emplace(RetryConfig::from(buffer_->params(), secondary_ != nullptr), n);
    else
      retry_->on_failure(n);
  }
}

void BufferedOutput::flush_thread_run(size_t) {
  const BufferParams& bp = buffer_->params();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    double now = wall_now();
    if (retry_ && now < retry_->next_time() && !force_flush_) {
      cv_.wait_for(lock, std::chrono::duration<double>(std::min(retry_->next_time() - now, 1.0)));
      continue;
    }
    lock.unlock();
    bool did = try_flush_one();
    bool more = buffer_->queue_length() > 0;
    lock.lock();
    if (stopping_) break;
    if (!did || !more) {
      if (!did) force_flush_ = false;
      cv_.wait_for(lock, std::chrono::duration<double>(bp.flush_thread_interval));
    } else if (!force_flush_ && bp.flush_thread_burst_interval > 0) {
      cv_.wait_for(lock, std::chrono::duration<double>(bp.flush_thread_burst_interval));
    }
  }
}

bool BufferedOutput::try_flush_one() {
  ChunkPtr chunk = buffer_->dequeue();
  if (!chunk) return false;
  bool use_secondary = false;
  {
    std::lock_guard lock(mu_);
    use_secondary = retry_ && retry_->secondary() && secondary_;
  }
  auto t0 = std::chrono::steady_clock::now();
  Status st;
  bool delayed = prefer_delayed_commit() && !use_secondary;
  if (use_secondary) {
    if (auto* b = dynamic_cast<BufferedOutput*>(secondary_.get())) {
      st = b->write_chunk(*chunk);
    } else {
      EventBatch batch;
      batch.tag = chunk->metadata().tag.value_or("");
      st = chunk->read(batch.entries);
      if (st) {
        EntryReader r(batch.entries);
        EntryView e;
        while (r.next(e)) ++batch.count;
        st = secondary_->emit(batch);
      }
    }
  } else if (delayed) {
    // In flight before the write: an ack can arrive (and commit) before try_write returns.
    // The commit timeout counts from the end of the write (a slow send is not a lost ack).
    const double kWriting = std::numeric_limits<double>::infinity();
    {
      std::lock_guard lock(mu_);
      in_flight_.push_back({chunk->unique_id(), kWriting, wall_now()});
    }
    st = try_write(*chunk);
    std::lock_guard lock(mu_);
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const InFlight& f) { return f.id == chunk->unique_id(); });
    if (it != in_flight_.end()) {
      if (st)
        it->since = wall_now();
      else
        in_flight_.erase(it);
    }
  } else {
    st = write(*chunk);
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  flush_time_ms_.fetch_add(static_cast<uint64_t>(elapsed * 1000), std::memory_order_relaxed);
  if (elapsed > slow_flush_log_threshold_) slow_flush_count_.fetch_add(1);
  if (elapsed > slow_flush_log_threshold_)
    ctx_log_.warn("buffer flush took longer time than slow_flush_log_threshold: elapsed_time=" +
                  std::to_string(elapsed) + " slow_flush_log_threshold=" +
                  std::to_string(slow_flush_log_threshold_) + " plugin_id=\"" + plugin_id_ + "\"");
  if (st && delayed) {
    ++write_count_;
    return true;
  }
  if (st) {
    ++write_count_;
    observe_flush_latency(elapsed);
    ChunkId id = chunk->unique_id();
    buffer_->purge(id);
    std::lock_guard lock(mu_);
    if (retry_) {
      ++flushed_retry_count_;
      ctx_log_.warn("retry succeeded. chunk_id=\"" + chunk_id_hex(id) + "\"");
      retry_.reset();
    }
    return true;
  }
  handle_write_error(*chunk, st, use_secondary);
  return true;
}

void BufferedOutput::backup_chunk(const Chunk& chunk, const Status& cause) {
  auto [cls, msg] = split_error(cause);
  if (buffer_->params().disable_chunk_backup) {
    ctx_log_.warn("disable_chunk_backup is true. " + chunk.unique_id_hex() +
                  " chunk is thrown away.");
    return;
  }
  std::string content;
  Status rst = chunk.read(content);
  if (!rst) {
    content.clear();
    (void)chunk.read_raw(content);
  }
  auto path = write_backup(FileSystem::posix(), *ctx_, chunk.unique_id(), content);
  ctx_log_.warn("got unrecoverable error in primary and no secondary error_class=" + cls +
                " error=\"" + msg + "\"");
  if (path)
    ctx_log_.warn("bad chunk is moved to " + *path);
  else
    ctx_log_.error("failed to back up a bad chunk chunk=\"" + chunk.unique_id_hex() +
                   "\" error=\"" + path.status().message() + "\"");
}

void BufferedOutput::handle_write_error(const Chunk& chunk, const Status& st, bool was_secondary) {
  ChunkId id = chunk.unique_id();
  auto [cls, msg] = split_error(st);
  if (unrecoverable(st)) {
    if (secondary_ && !was_secondary && secondary_ctx_.type != ctx_->type) {
      Status sst;
      if (auto* b = dynamic_cast<BufferedOutput*>(secondary_.get()))
        sst = b->write_chunk(chunk);
      else
        sst = error(StatusCode::kUnsupported, "secondary is not a buffered output");
      if (sst) {
        buffer_->purge(id);
        return;
      }
    }
    backup_chunk(chunk, st);
    buffer_->purge(id);
    return;
  }
  buffer_->takeback(id);
  ++rollback_count_;
  // A failure ends a forced flush (SIGUSR1, shutdown): from here the retry schedule decides, as
  // Fluentd's flush-all loop stops once a retry state exists.
  force_flush_ = false;
  double now = wall_now();
  std::unique_lock lock(mu_);
  if (!retry_)
    retry_.emplace(RetryConfig::from(buffer_->params(), secondary_ != nullptr), now);
  else
    retry_->on_failure(now);
  ++retry_count_;
  if (retry_->limit()) {
    int steps = retry_->steps();
    retry_.reset();
    lock.unlock();
    uint64_t records = buffer_->clear_queue();
    count_dropped(DropReason::kRetryLimit, records);
    ctx_log_.error(
        "failed to flush the buffer, and hit limit for retries. dropping all chunks in the buffer "
        "queue. retry_times=" +
        std::to_string(steps) + " records=" + std::to_string(records) + " error_class=" + cls +
        " error=" + ruby_inspect(msg));
    return;
  }
  std::string line = "failed to flush the buffer. retry_times=" + std::to_string(retry_->steps()) +
                     " next_retry_time=" + ruby_time(retry_->next_time()) + " chunk=\"" +
                     chunk_id_hex(id) + "\" error_class=" + cls + " error=" + ruby_inspect(msg);
  lock.unlock();
  ctx_log_.warn(line);
}

void BufferedOutput::commit_write(const ChunkId& id) {
  bool was_retrying = false;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const InFlight& f) { return f.id == id; });
    if (it == in_flight_.end()) return;  // already rolled back (timeout)
    observe_flush_latency(wall_now() - it->taken);
    in_flight_.erase(it);
    was_retrying = retry_.has_value();
    if (was_retrying) ++flushed_retry_count_;
    retry_.reset();
  }
  buffer_->purge(id);
  if (was_retrying) ctx_log_.warn("retry succeeded. chunk_id=\"" + chunk_id_hex(id) + "\"");
}

void BufferedOutput::rollback_write(const ChunkId& id, bool update_retry_state) {
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                           [&](const InFlight& f) { return f.id == id; });
    if (it == in_flight_.end()) return;
    in_flight_.erase(it);
    if (update_retry_state) {
      double now = wall_now();
      if (!retry_)
        retry_.emplace(RetryConfig::from(buffer_->params(), secondary_ != nullptr), now);
      else
        retry_->on_failure(now);
    }
  }
  buffer_->takeback(id);
  ++rollback_count_;
  cv_.notify_one();
}

Result<std::string> BufferedOutput::extract_placeholders(std::string_view tmpl,
                                                         const Chunk& chunk) const {
  std::string warnings;
  auto r = expand_placeholders(tmpl, chunk.metadata(), keys_, chunk.unique_id_hex(), &warnings);
  if (!warnings.empty()) ctx_log_.warn(warnings.substr(0, warnings.size() - 1));
  return r;
}

void BufferedOutput::validate_placeholders(std::string_view param_name,
                                           std::string_view tmpl) const {
  std::string msg = buffer::validate_placeholders(param_name, tmpl, keys_);
  if (!msg.empty()) config_error(*ctx_, msg, "invalid-placeholder");
}

}  // namespace shipper::buffer
