#include "buffer/buffer.hpp"

#include <time.h>

#include <algorithm>
#include <set>

#include "buffer/compression.hpp"
#include "buffer/fs.hpp"

namespace shipper::buffer {

static int64_t now_seconds() {
  return static_cast<int64_t>(::time(nullptr));
}

Buffer::Buffer(const BufferParams& params, PluginContext& ctx, BufferDefaults defaults)
    : ctx_(&ctx), log_(ctx.log), params_(params) {
  chunk_limit_size_ =
      params.chunk_limit_size ? params.chunk_limit_size->bytes : defaults.chunk_limit_size;
  total_limit_size_ =
      params.total_limit_size ? params.total_limit_size->bytes : defaults.total_limit_size;
  if (params.queue_limit_length) total_limit_size_ = chunk_limit_size_ * *params.queue_limit_length;
  if (params.chunk_limit_records)
    chunk_limit_records_ = static_cast<uint32_t>(*params.chunk_limit_records);
  flush_at_shutdown_ = params.flush_at_shutdown.value_or(defaults.flush_at_shutdown);
  queued_chunks_limit_ = params.queued_chunks_limit_size
                             ? static_cast<size_t>(*params.queued_chunks_limit_size)
                             : static_cast<size_t>(std::max(1, params.flush_thread_count));
  parse_compression(params.compress, compression_);
}

Status Buffer::start() {
  Resumed r;
  Status st = resume(r);
  if (!st) return st;
  std::lock_guard lock(mu_);
  // A chunk this process already holds (written before start) must not be taken twice: two
  // entries for one file mean one flush deletes it and the other fails forever.
  auto already_held = [&](const ChunkPtr& c) {
    for (const auto& [meta, s] : staged_)
      if (s->unique_id() == c->unique_id()) return true;
    for (const auto& q : queue_)
      if (q->unique_id() == c->unique_id()) return true;
    return in_flight_.count(c->unique_id()) > 0;
  };
  std::erase_if(r.staged, already_held);
  std::erase_if(r.queued, already_held);
  for (auto& c : r.staged) {
    total_bytes_ += c->bytesize();
    auto it = staged_.find(c->metadata());
    if (it != staged_.end()) {
      // Two staged chunks with one metadata value: the later one is queued, as Fluentd does.
      enqueue_locked(c);
    } else {
      c->state = ChunkState::kStaged;
      staged_[c->metadata()] = c;
    }
  }
  for (auto& c : r.queued) {
    total_bytes_ += c->bytesize();
    c->state = ChunkState::kQueued;
    queue_.push_back(c);
  }
  return Status::ok();
}

void Buffer::close() {
  std::lock_guard lock(mu_);
  // Empty staged chunks are deleted when the buffer closes.
  for (auto it = staged_.begin(); it != staged_.end();) {
    if (it->second->empty()) {
      (void)it->second->purge();
      it = staged_.erase(it);
    } else {
      ++it;
    }
  }
  staged_.clear();
  queue_.clear();
  in_flight_.clear();
}

bool Buffer::storable() const {
  std::lock_guard lock(mu_);
  return total_limit_size_ > total_bytes_;
}

Result<ChunkPtr> Buffer::new_chunk_locked(const ChunkMetadata& meta) {
  auto c = generate_chunk(meta);
  if (c && on_created_) on_created_(**c);
  return c;
}

void Buffer::enqueue_locked(const ChunkPtr& c) {
  if (c->empty()) {
    (void)c->purge();
    return;
  }
  Status st = c->mark_queued();
  if (!st)
    log_.warn("failed to mark a chunk queued chunk=\"" + c->unique_id_hex() + "\" error=\"" +
              st.message() + "\"");
  c->state = ChunkState::kQueued;
  queue_.push_back(c);
}

Status Buffer::write(const std::vector<MetaGroup>& groups, bool enqueue_written, size_t* oversized,
                     std::string* takeable) {
  if (oversized) *oversized = 0;
  std::lock_guard lock(mu_);
  if (total_limit_size_ <= total_bytes_)
    return error(StatusCode::kBufferFull, "buffer space has too many data");

  struct Touched {
    ChunkPtr chunk;
    bool created = false;  // made by this write (purge on failure)
    bool staged = false;   // becomes the staged chunk of its metadata on success
    bool enqueue = false;  // queue after commit (full, or replaced by a newer chunk)
  };
  std::vector<Touched> touched;
  auto find_touched = [&](const ChunkPtr& c) -> Touched* {
    for (auto& t : touched)
      if (t.chunk == c) return &t;
    return nullptr;
  };
  auto fail = [&](Status st) {
    for (auto& t : touched) {
      (void)t.chunk->rollback();
      if (t.created) (void)t.chunk->purge();
    }
    if (is_disk_full(st))
      return error(StatusCode::kBufferFull, "buffer write failed, disk full: " + st.message());
    return st;
  };
  std::string scratch;
  // Taking the caller's storage is safe only where nothing after it can fail: one group.
  if (groups.size() != 1) takeable = nullptr;
  auto append = [&](const ChunkPtr& c, std::string_view data, uint32_t n) -> Status {
    if (compression_ == Compression::kText) {
      if (takeable && data.data() == takeable->data() && data.size() == takeable->size() &&
          c->adopt(*takeable, n))
        return Status::ok();
      return c->append(data, n);
    }
    scratch.clear();
    Status st = compress_append(compression_, data, scratch);
    if (!st) return st;
    return c->append(scratch, n);
  };
  auto fresh = [&](const ChunkMetadata& m, bool staged) -> Result<ChunkPtr> {
    auto c = new_chunk_locked(m);
    if (!c) return c.status();
    touched.push_back({*c, true, staged, false});
    return c;
  };

  for (const auto& g : groups) {
    if (g.count == 0) continue;
    ChunkPtr chunk;
    auto it = staged_.find(g.meta);
    if (it != staged_.end()) {
      chunk = it->second;
      if (!find_touched(chunk)) touched.push_back({chunk, false, false, false});
    } else {
      // A chunk created earlier in this write for the same metadata?
      for (auto& t : touched)
        if (t.staged && t.chunk->metadata() == g.meta) chunk = t.chunk;
      if (!chunk) {
        auto c = fresh(g.meta, true);
        if (!c) return fail(c.status());
        chunk = *c;
      }
    }
    std::string_view data = g.bytes();
    auto fits = [&](const ChunkPtr& c, uint64_t bytes, uint32_t records) {
      if (c->total_bytes() + bytes > chunk_limit_size_) return false;
      if (chunk_limit_records_ && c->total_records() + records > *chunk_limit_records_)
        return false;
      return true;
    };
    if (fits(chunk, data.size(), g.count)) {
      Status st = append(chunk, data, g.count);
      if (!st) return fail(st);
      continue;
    }
    // Split the group by events: fill the chunk, queue it, continue on new chunks.
    EntryReader reader(data);
    size_t opaque_index = 0, opaque_pos = 0;
    auto next_event = [&](size_t& start, size_t& end) -> bool {
      if (!g.ends.empty()) {
        if (opaque_index >= g.ends.size()) return false;
        start = opaque_pos;
        end = opaque_pos = g.ends[opaque_index++];
        return true;
      }
      EntryView e;
      if (!reader.next(e)) return false;
      end = reader.offset();
      start = end - e.whole.size();
      return true;
    };
    size_t piece_start = 0, piece_end = 0;
    uint32_t piece_count = 0;
    auto flush_piece = [&]() -> Status {
      if (piece_count == 0) return Status::ok();
      Status st = append(chunk, data.substr(piece_start, piece_end - piece_start), piece_count);
      piece_count = 0;
      return st;
    };
    size_t start = 0, end = 0;
    while (next_event(start, end)) {
      size_t size = end - start;
      if (size > chunk_limit_size_) {
        Status st = flush_piece();
        if (!st) return fail(st);
        if (oversized) ++*oversized;
        continue;
      }
      if (piece_count == 0) piece_start = piece_end = start;
      if (!fits(chunk, piece_end - piece_start + size, piece_count + 1)) {
        Status st = flush_piece();
        if (!st) return fail(st);
        if (!chunk->empty()) {
          Touched* t = find_touched(chunk);
          t->enqueue = true;
          t->staged = false;
          auto c = fresh(g.meta, true);
          if (!c) return fail(c.status());
          chunk = *c;
        }
        piece_start = start;
      }
      piece_end = end;
      ++piece_count;
    }
    Status st = flush_piece();
    if (!st) return fail(st);
  }

  int64_t now = now_seconds();
  for (auto& t : touched) {
    uint64_t before = t.chunk->bytesize();
    if (t.chunk->total_records() == 0 && t.created) continue;
    Status st = t.chunk->commit(now);
    if (!st) return fail(st);
    total_bytes_ += t.chunk->bytesize() - before;
  }
  for (auto& t : touched) {
    const ChunkPtr& c = t.chunk;
    if (t.created && c->empty()) {
      (void)c->purge();
      continue;
    }
    bool full = c->bytesize() >= params_.chunk_full_threshold * chunk_limit_size_ ||
                (chunk_limit_records_ &&
                 c->record_count() >= params_.chunk_full_threshold * *chunk_limit_records_);
    bool is_staged_now = staged_.count(c->metadata()) && staged_[c->metadata()] == c;
    if (t.enqueue || full || enqueue_written) {
      if (is_staged_now) staged_.erase(c->metadata());
      enqueue_locked(c);
    } else if (!is_staged_now) {
      // The newest chunk of this metadata becomes the staged one.
      auto old = staged_.find(c->metadata());
      if (old != staged_.end()) enqueue_locked(old->second);
      staged_[c->metadata()] = c;
    }
  }
  return Status::ok();
}

void Buffer::enqueue_staged(const std::function<bool(const StoredChunk&)>& due, bool limited) {
  std::lock_guard lock(mu_);
  for (auto it = staged_.begin(); it != staged_.end();) {
    if (limited && queue_.size() >= queued_chunks_limit_) break;
    if (!it->second->empty() && due(*it->second)) {
      ChunkPtr c = it->second;
      it = staged_.erase(it);
      enqueue_locked(c);
    } else {
      ++it;
    }
  }
}

void Buffer::enqueue_all() {
  std::lock_guard lock(mu_);
  for (auto it = staged_.begin(); it != staged_.end();) {
    if (it->second->empty()) {
      ++it;
      continue;
    }
    ChunkPtr c = it->second;
    it = staged_.erase(it);
    enqueue_locked(c);
  }
}

ChunkPtr Buffer::dequeue() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) return nullptr;
  ChunkPtr c = queue_.front();
  queue_.pop_front();
  c->state = ChunkState::kInFlight;
  in_flight_[c->unique_id()] = c;
  return c;
}

void Buffer::takeback(const ChunkId& id) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return;
  it->second->state = ChunkState::kQueued;
  queue_.push_front(it->second);
  in_flight_.erase(it);
}

void Buffer::purge(const ChunkId& id) {
  ChunkPtr c;
  {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    c = it->second;
    in_flight_.erase(it);
    total_bytes_ -= std::min(total_bytes_, c->bytesize());
  }
  Status st = c->purge();
  if (!st)
    log_.warn("failed to purge a chunk chunk=\"" + c->unique_id_hex() + "\" error=\"" +
              st.message() + "\"");
}

ChunkPtr Buffer::in_flight(const ChunkId& id) {
  std::lock_guard lock(mu_);
  auto it = in_flight_.find(id);
  return it == in_flight_.end() ? nullptr : it->second;
}

uint64_t Buffer::clear_queue(const std::function<void(const StoredChunk&)>& before_drop) {
  std::deque<ChunkPtr> q;
  {
    std::lock_guard lock(mu_);
    q.swap(queue_);
    for (auto& c : q) total_bytes_ -= std::min(total_bytes_, c->bytesize());
  }
  uint64_t records = 0;
  for (auto& c : q) {
    records += c->record_count();
    if (before_drop) before_drop(*c);
    (void)c->purge();
  }
  return records;
}

bool Buffer::drop_oldest_queued() {
  ChunkPtr c;
  {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return false;
    c = queue_.front();
    queue_.pop_front();
    total_bytes_ -= std::min(total_bytes_, c->bytesize());
  }
  log_.warn("dropping oldest chunk to make space after buffer overflow chunk_id=\"" +
            c->unique_id_hex() + "\"");
  (void)c->purge();
  return true;
}

size_t Buffer::queue_length() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}
size_t Buffer::staged_count() const {
  std::lock_guard lock(mu_);
  return staged_.size();
}
size_t Buffer::in_flight_count() const {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}
uint64_t Buffer::total_bytes() const {
  std::lock_guard lock(mu_);
  return total_bytes_;
}
uint64_t Buffer::queued_records() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (auto& c : queue_) n += c->record_count();
  return n;
}

Buffer::Stats Buffer::stats() const {
  std::lock_guard lock(mu_);
  Stats st;
  std::set<int64_t> keys;
  for (const auto& [meta, c] : staged_) {
    ++st.stage_length;
    st.stage_bytes += c->bytesize();
    if (meta.timekey) keys.insert(*meta.timekey);
  }
  auto add_queued = [&](const ChunkPtr& c) {
    ++st.queue_length;
    st.queue_bytes += c->bytesize();
    if (c->metadata().timekey) keys.insert(*c->metadata().timekey);
  };
  for (const auto& c : queue_) add_queued(c);
  for (const auto& [id, c] : in_flight_) add_queued(c);
  st.total_bytes = total_bytes_;
  st.timekeys.assign(keys.begin(), keys.end());
  return st;
}

}  // namespace shipper::buffer
