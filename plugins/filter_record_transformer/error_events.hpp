#pragma once
// What filters do with events they cannot process: Fluentd's router.emit_error_event sends them
// to the @ERROR label when there is one; otherwise they are dropped and logged ("dump an error
// event"). The log line is written at most once per interval, with a count of the ones not
// shown. Shared by record_transformer and filter_parser (header only, so no link dependency
// between plugins).
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "core/event_batch.hpp"
#include "engine/drop_counters.hpp"
#include "engine/error_event.hpp"
#include "engine/plugin.hpp"

namespace shipper::filter_util {

// Lets one message through per interval and counts the others.
class RateLimit {
 public:
  explicit RateLimit(std::chrono::seconds interval = std::chrono::seconds(10))
      : interval_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(interval).count()) {}
  // True when the caller should log now; `suppressed` is how many were held back since.
  bool allow(uint64_t& suppressed) {
    int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    int64_t last = last_.load(std::memory_order_relaxed);
    if (last != 0 && now - last < interval_ns_) {
      held_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (!last_.compare_exchange_strong(last, now)) {
      held_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    suppressed = held_.exchange(0);
    return true;
  }

 private:
  int64_t interval_ns_;
  std::atomic<int64_t> last_{0};
  std::atomic<uint64_t> held_{0};
};

// Collects a batch's error events and sends them on when the batch is done.
class ErrorEvents {
 public:
  // `reason` is what the drop counters file these events under.
  explicit ErrorEvents(DropReason reason = DropReason::kFilterError) : reason_(reason) {}
  void add(const std::string& tag, EventTime time, std::string_view record, std::string error) {
    if (batch_.tag.empty()) batch_.tag = tag;
    batch_.append(time, record);
    errors_.push_back(std::move(error));
  }
  bool empty() const { return batch_.empty(); }

  // To @ERROR when routed (one batch), else dropped; either way logged as Fluentd does
  // ("send an error event to @ERROR:" / "dump an error event:"), at most once per interval.
  void flush(PluginContext& ctx, RateLimit& limit) {
    if (batch_.empty()) return;
    uint64_t count = batch_.count;
    bool delivered = false;
    if (ctx.error_router) {
      EventBatch copy = batch_;
      delivered = static_cast<bool>(ctx.error_router->emit(copy));
    }
    if (delivered)
      count_to_error_label(reason_, count);
    else
      count_dropped(reason_, count);
    uint64_t suppressed = 0;
    if (limit.allow(suppressed)) {
      EntryReader r(batch_.entries);
      EntryView first;
      if (r.next(first)) {
        std::string more = count + suppressed > 1
                               ? " (" + std::to_string(count - 1 + suppressed) + " more not shown)"
                               : std::string();
        if (delivered) {
          ctx.log.warn("send an error event to @ERROR:" + kv("error", errors_.front()) + " location=nil" +
                       kv("tag", batch_.tag) + kv("time", static_cast<int64_t>(first.time.sec)) + more);
        } else {
          PluginContext quiet = ctx;
          quiet.error_router = nullptr;  // already tried; only the log line is wanted
          emit_error_event(quiet, batch_.tag, first.time, first.record, errors_.front() + more);
        }
      }
    }
    batch_ = EventBatch{};
    errors_.clear();
  }

 private:
  DropReason reason_;
  EventBatch batch_;
  std::vector<std::string> errors_;
};

}  // namespace shipper::filter_util
