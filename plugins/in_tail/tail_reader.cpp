// Reading one file: bytes → lines → parser → EventBatch → emit → position.
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "core/event_batch.hpp"
#include "core/text.hpp"
#include "engine/parser_base.hpp"
#include "plugins/in_tail/group_throttle.hpp"
#include "plugins/in_tail/tail_input.hpp"
#include "plugins/in_tail/watcher.hpp"

namespace shipper::in_tail {

namespace {

constexpr size_t kReadChunk = 65536;
// Bytes buffered ahead before cutting a batch (a read_lines_limit batch of ~200-byte lines).
constexpr size_t kReadAhead = 4 * kReadChunk;
// A file's read buffer larger than this is given back after the file's turn.
constexpr size_t kIdleBufferCapacity = 65536;
// Joined pieces of one line are bounded by max_line_size, or this when it is not set.
constexpr size_t kDefaultJoinLimit = 16 * 1024 * 1024;
// read_bytes_limit_per_second values below Fluentd's read chunk (8192 bytes) are raised to it.
constexpr uint64_t kMinBytesLimitPerSecond = 8192;

std::string_view chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  } else if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return line;
}

}  // namespace

// An entry's bytes before its record: fixarray 2, then the EventTime ext (d7 00 + 8 bytes).
constexpr size_t kEntryHeader = 11;

// Puts each parse result of one line into the batch, or reports it the way Fluentd does.
class BatchSink : public Parser::Sink {
 public:
  BatchSink(TailInput& in, Watcher& w, EventBatch& batch, std::string_view line, bool quiet,
            bool at_shutdown)
      : in_(in),
        w_(w),
        batch_(batch),
        writer_(batch.entries),
        line_(line),
        quiet_(quiet),
        at_shutdown_(at_shutdown) {}

  const MapAppendix* record_appendix() const override { return in_.record_pairs(); }

  MsgpackWriter& record_writer() override {
    mark_ = batch_.begin_entry(EventTime{});
    open_ = true;
    return writer_;
  }

  void on_result(const ParseResult& r, EventTime t) override {
    if (r.code == ParseResult::Code::kOk && open_) {
      if (!r.has_time) t = EventTime::now();
      encode_event_time_body(t, batch_.entries.data() + mark_ + 3);
      if (!r.appendix_applied) in_.finish_record(batch_.entries, mark_ + kEntryHeader);
      batch_.commit_entry();
      ++added;
      open_ = false;
      return;
    }
    if (open_) batch_.rollback_entry(mark_);
    open_ = false;
    ++failed;
    if (quiet_) return;
    if (r.code == ParseResult::Code::kNotMatched) {
      if (at_shutdown_ && !in_.params_.emit_unmatched_lines) {
        in_.warn_limited("got incomplete line at shutdown from " + w_.path + ": " +
                         ruby_inspect(line_));
        return;
      }
      if (in_.params_.emit_unmatched_lines) {
        size_t mark = batch_.begin_entry(EventTime::now());
        MsgpackWriter w(batch_.entries);
        w.map_header(1);
        w.str("unmatched_line");
        w.str(line_);
        in_.finish_record(batch_.entries, mark + kEntryHeader);
        batch_.commit_entry();
      }
      in_.warn_limited("pattern not matched: " + ruby_inspect(line_));
      return;
    }
    in_.warn_limited("invalid line found" + kv("file", w_.path) + kv("line", line_) +
                     kv("error", r.error));
  }

  int added = 0;
  int failed = 0;

 private:
  TailInput& in_;
  Watcher& w_;
  EventBatch& batch_;
  MsgpackWriter writer_;
  std::string_view line_;
  bool quiet_;
  bool at_shutdown_;
  size_t mark_ = 0;
  bool open_ = false;
};

bool TailInput::parse_into(Watcher& w, std::string_view text, EventBatch& batch, bool quiet,
                           bool at_shutdown) {
  size_t size_before = batch.entries.size();
  uint32_t count_before = batch.count;
  if (converter_.active()) {
    static thread_local std::string converted;
    converter_.convert(text, converted);
    text = converted;
  }
  BatchSink sink(*this, w, batch, text, quiet, at_shutdown);
  if (w.buf.holds(text))
    parser_->parse_all_in_place(text, w.buf.readable_after(text.data() + text.size()), sink);
  else
    parser_->parse_all(text, sink);
  if (quiet && (sink.failed > 0 || sink.added == 0)) {
    batch.entries.resize(size_before);
    batch.count = count_before;
    return false;
  }
  return sink.added > 0;
}

void TailInput::flush_multiline(Watcher& w, EventBatch& batch, bool at_shutdown) {
  std::string text = std::move(w.ml_pending);
  w.ml_pending.clear();
  std::string_view t = text;
  if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  parse_into(w, t, batch, false, at_shutdown);
}

void TailInput::process_line(Watcher& w, std::string_view raw, EventBatch& batch, double now) {
  if (params_.max_line_size && raw.size() > params_.max_line_size->bytes) {
    warn_limited("received line length is longer than " +
                 std::to_string(params_.max_line_size->bytes));
    return;
  }
  std::string_view line = chomp(raw);
  if (parser_->joins_partial_lines()) {
    Parser::LinePiece piece;
    if (parser_->describe_piece(line, piece)) {
      std::string_view content =
          line.substr(piece.content_begin, piece.content_end - piece.content_begin);
      size_t limit = params_.max_line_size ? params_.max_line_size->bytes : kDefaultJoinLimit;
      if (piece.partial) {
        if (!w.joining) {
          w.joining = true;
          w.join_start = static_cast<size_t>(raw.data() - w.buf.data());
          w.join.clear();
        }
        w.join.append(content);
        if (w.join.size() + line.size() <= limit) return;
        // Too long to hold: emit what is joined so far as one record.
        std::string joined(line.substr(0, piece.content_begin));
        joined += w.join;
        joined += line.substr(piece.content_end);
        w.joining = false;
        w.join.clear();
        warn_limited("joined line of " + w.path + " is longer than " + std::to_string(limit) +
                     "; emitted in parts");
        parse_into(w, joined, batch);
        return;
      }
      if (w.joining) {
        std::string joined(line.substr(0, piece.content_begin));
        joined += w.join;
        joined += line.substr(piece.content_begin);
        w.joining = false;
        w.join.clear();
        parse_into(w, joined, batch);
        return;
      }
    }
  }
  if (!multiline_mode_) {
    parse_into(w, line, batch);
    return;
  }
  w.ml_last_line = now;
  if (parser_->has_firstline()) {
    if (parser_->is_firstline(line)) {
      if (!w.ml_pending.empty()) flush_multiline(w, batch, false);
      w.ml_pending.assign(line);
      w.ml_pending += '\n';
    } else if (!w.ml_pending.empty()) {
      w.ml_pending.append(line);
      w.ml_pending += '\n';
    } else {
      warn_limited("got incomplete line before first line from " + w.path + ": " +
                   ruby_inspect(line));
      if (params_.emit_unmatched_lines) parse_into(w, line, batch);
    }
    return;
  }
  w.ml_pending.append(line);
  w.ml_pending += '\n';
  std::string_view t = w.ml_pending;
  t.remove_suffix(1);
  if (parse_into(w, t, batch, true)) w.ml_pending.clear();
}

void TailInput::begin_batch(Watcher& w, EventBatch& batch) {
  batch.clear();
  batch.tag = w.tag;
  path_pair_.clear();
  if (params_.path_key) path_pair_.add_string(*params_.path_key, w.path);
  steps_.clear();
  if (ctx_.router) ctx_.router->record_steps(w.tag, steps_);
  batch.applied = steps_.empty() ? nullptr : &steps_;
  // All of them as one appendix a parser can add as it closes a record, if no key repeats.
  merged_pairs_.clear();
  merged_pairs_ok_ = merged_pairs_.add_distinct(path_pair_);
  for (const auto& a : steps_.appendices)
    merged_pairs_ok_ = merged_pairs_ok_ && merged_pairs_.add_distinct(a);
}

const MapAppendix* TailInput::record_pairs() const {
  return merged_pairs_ok_ && !merged_pairs_.empty() ? &merged_pairs_ : nullptr;
}

void TailInput::finish_record(std::string& entries, size_t map_pos) const {
  path_pair_.apply_to_tail(entries, map_pos);
  steps_.apply(entries, map_pos);
}

bool TailInput::emit(Watcher& w, EventBatch& batch) {
  if (!ctx_.router) return true;
  Status s = ctx_.router->emit(batch);
  if (s) return true;
  if (s.code() != StatusCode::kBufferFull)
    warn_limited("emit failed; will retry" + kv("path", w.path) + kv("error", s.message()));
  return false;
}

size_t TailInput::group_allowance(Watcher& w, double now) {
  double resume_at = 0;
  uint64_t allowed = GroupThrottle::allowance(*w.group, now, &resume_at);
  if (allowed > 0) return static_cast<size_t>(std::min<uint64_t>(allowed, SIZE_MAX));
  w.retry_after = resume_at;
  throttled_reads_.add();
  return 0;
}

bool TailInput::drain(Watcher& w, double now, int max_batches, bool* more) {
  bool handed_on = read_batches(w, now, max_batches, more);
  // With several files, a file keeps only the bytes it must between its turns (pieces of a line
  // being joined, a partial last line): read-ahead not yet looked at is read again next turn.
  // Otherwise every busy file would hold a batch's worth of memory. A lone file keeps its
  // read-ahead, which saves the re-read and the regrowth.
  if (w.buf.capacity() > kIdleBufferCapacity && !w.skipping_long &&
      watchers_.size() + rotated_.size() > 1) {
    // Complete lines not looked at yet are dropped with everything after them; a partial last
    // line alone is kept (the reader has seen it, and it is small).
    size_t keep = w.scanned;
    if (std::memchr(w.buf.data() + keep, '\n', w.buf.size() - keep) == nullptr) keep = w.buf.size();
    w.buf.shrink_to(keep);
    w.read_offset = w.committed + keep;
  }
  return handed_on;
}

bool TailInput::read_batches(Watcher& w, double now, int max_batches, bool* more) {
  const size_t read_lines_limit =
      static_cast<size_t>(params_.read_lines_limit > 0 ? params_.read_lines_limit : 1000);
  // One batch object serves every file: its storage, grown once, is not given back and
  // regrown (and its pages faulted in again) for each read.
  EventBatch& batch = batch_;
  begin_batch(w, batch);
  w.at_eof = false;
  for (int b = 0; b < max_batches; ++b) {
    // <group>: at most the file's remaining quota of lines in this batch.
    size_t limit_lines = read_lines_limit;
    if (w.group) {
      limit_lines = std::min(limit_lines, group_allowance(w, now));
      if (limit_lines == 0) return true;
    }
    bool eof = false;
    bool at_end = false;
    // Read until there is a complete line past what was handled and enough bytes for a full
    // batch, or the end of the file.
    while (std::memchr(w.buf.data() + w.scanned, '\n', w.buf.size() - w.scanned) == nullptr ||
           w.buf.size() - w.scanned < kReadAhead) {
      bool no_newline =
          std::memchr(w.buf.data() + w.scanned, '\n', w.buf.size() - w.scanned) == nullptr;
      if (params_.max_line_size && no_newline && !w.joining && w.scanned == 0 &&
          (w.skipping_long || w.buf.size() > params_.max_line_size->bytes)) {
        // An over-long unfinished line: drop it now, keep skipping until its newline.
        if (!w.skipping_long)
          warn_limited("received line length is longer than " +
                       std::to_string(params_.max_line_size->bytes));
        w.skipping_long = true;
        w.committed += w.buf.size();
        w.buf.clear();
        if (w.pos) pos_file_.update_pos(w.pos, w.committed);
      }
      size_t want = kReadChunk;
      if (params_.bytes_limit_enabled()) {
        // Per-file throttle (Fluentd's io handler): at most the limit per one-second window;
        // once reached, the file is not read again before the window ends.
        uint64_t limit =
            std::max<uint64_t>(params_.read_bytes_limit_per_second.bytes, kMinBytesLimitPerSecond);
        if (now - w.throttle_window_start >= 1.0) {
          w.throttle_window_start = now;
          w.throttle_bytes = 0;
        }
        if (w.throttle_bytes >= limit) {
          w.retry_after = w.throttle_window_start + 1.0;
          throttled_reads_.add();
          eof = true;
          break;
        }
        want = static_cast<size_t>(std::min<uint64_t>(kReadChunk, limit - w.throttle_bytes));
      }
      ssize_t n = w.buf.read_at(w.fd, want, static_cast<off_t>(w.read_offset));
      if (n <= 0) {
        eof = at_end = true;
        break;
      }
      w.throttle_bytes += static_cast<uint64_t>(n);
      w.read_offset += static_cast<uint64_t>(n);
    }
    if (w.skipping_long) {
      const char* nl = static_cast<const char*>(std::memchr(w.buf.data(), '\n', w.buf.size()));
      if (!nl) {
        w.at_eof = at_end;
        return true;
      }
      size_t drop = static_cast<size_t>(nl - w.buf.data()) + 1;
      w.buf.erase_front(drop);
      w.committed += drop;
      w.skipping_long = false;
      if (w.pos) pos_file_.update_pos(w.pos, w.committed);
    }
    // Snapshot what a failed emit must undo.
    std::string ml_before = multiline_mode_ ? w.ml_pending : std::string();
    std::string join_before = w.join;
    bool joining_before = w.joining;
    size_t join_start_before = w.join_start;

    batch.clear();
    size_t pos = w.scanned;
    size_t lines = 0;
    while (lines < limit_lines) {
      const char* nl =
          static_cast<const char*>(std::memchr(w.buf.data() + pos, '\n', w.buf.size() - pos));
      if (!nl) break;
      size_t end = static_cast<size_t>(nl - w.buf.data()) + 1;
      process_line(w, std::string_view(w.buf.data() + pos, end - pos), batch, now);
      pos = end;
      ++lines;
    }
    if (!batch.empty() && !emit(w, batch)) {
      if (multiline_mode_) w.ml_pending = std::move(ml_before);
      w.join = std::move(join_before);
      w.joining = joining_before;
      w.join_start = join_start_before;
      w.retry_after = now + 1.0;
      return false;
    }
    size_t commit = w.joining ? w.join_start : pos;
    w.committed += commit;
    w.buf.erase_front(commit);
    w.scanned = pos - commit;
    if (w.joining) w.join_start -= commit;
    if (w.pos && commit > 0) pos_file_.update_pos(w.pos, w.committed);
    if (w.group) GroupThrottle::consumed(*w.group, lines, now);
    if (eof && lines < limit_lines) {
      w.at_eof = at_end;
      if (at_end) w.buf.release_if_empty();
      return true;
    }
    if (b + 1 == max_batches) *more = true;  // not at the end yet: come back without waiting
  }
  return true;
}

}  // namespace shipper::in_tail
