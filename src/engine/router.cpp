#include "engine/router.hpp"

#include <mutex>

#include "engine/drop_counters.hpp"

namespace shipper {
namespace {

// Scratch batches for filter chains, reused per thread so that routing allocates nothing in the
// steady state. Indexed by nesting depth: an output may re-emit into another router (relabel).
struct ScratchPool {
  std::vector<std::unique_ptr<EventBatch>> batches;
  size_t used = 0;
  EventBatch& take() {
    if (used == batches.size()) batches.push_back(std::make_unique<EventBatch>());
    EventBatch& b = *batches[used++];
    b.clear();
    b.applied = nullptr;  // a filter's output is a new stream
    return b;
  }
};
thread_local ScratchPool t_scratch;

struct ScratchScope {
  size_t mark = t_scratch.used;
  ~ScratchScope() { t_scratch.used = mark; }
};

bool is_power_of_two(uint64_t n) {
  return n && (n & (n - 1)) == 0;
}

}  // namespace

Router::Router(std::string label) : label_(std::move(label)) {}

void Router::add_filter(MatchPattern pattern, Filter* filter) {
  rules_.push_back({std::move(pattern), filter, nullptr});
}

void Router::add_match(MatchPattern pattern, Output* output) {
  rules_.push_back({std::move(pattern), nullptr, output});
}

bool Router::matches_any_rule(std::string_view tag) const {
  for (const auto& r : rules_)
    if (r.pattern.match(tag)) return true;
  return false;
}

std::shared_ptr<const Router::Route> Router::compute_route(std::string_view tag) const {
  auto route = std::make_shared<Route>();
  for (const auto& r : rules_) {
    if (!r.pattern.match(tag)) continue;
    if (r.filter) {
      route->filters.push_back(r.filter);
    } else {
      route->output = r.output;
      break;
    }
  }
  return route;
}

std::shared_ptr<const Router::Route> Router::route_for(std::string_view tag) {
  {
    std::shared_lock lock(cache_mu_);
    auto it = cache_.find(tag);
    if (it != cache_.end()) return it->second;
  }
  auto route = compute_route(tag);
  std::unique_lock lock(cache_mu_);
  auto [it, inserted] = cache_.try_emplace(std::string(tag), route);
  if (inserted) {
    cache_order_.emplace_back(tag);
    if (cache_order_.size() > kRouteCacheLimit) {
      cache_.erase(cache_order_.front());
      cache_order_.pop_front();
    }
  }
  return it->second;
}

Output* Router::output_for(std::string_view tag) {
  return route_for(tag)->output;
}

Status Router::route_batch(const EventBatch& batch, EventBatch* owned) {
  if (batch.empty()) return Status::ok();
  // Outputs that re-emit (relabel, copy stores) call back into a router on the same thread. A
  // config that sends events round in a circle would recurse without end: cut it off.
  thread_local int depth = 0;
  if (depth >= kMaxReemitDepth) {
    count_dropped(DropReason::kReemitLoop, batch.count);
    static RateLimitedLog loop_log(10.0);
    loop_log.error(Logger(),
                   "events re-emitted in a loop were dropped; check the @label and "
                   "relabel rules" +
                       kv("tag", batch.tag) + kv("label", label_));
    return Status::ok();
  }
  ++depth;
  auto route = route_for(batch.tag);
  Status s = deliver(*route, batch, owned);
  --depth;
  return s;
}

void Router::record_steps(std::string_view tag, RecordSteps& out) {
  out.clear();
  auto route = route_for(tag);
  for (Filter* f : route->filters) {
    MapAppendix appendix;
    if (!f->appendix_for(tag, appendix)) break;
    out.filters.push_back(f);
    out.appendices.push_back(std::move(appendix));
  }
}

Status Router::deliver(const Route& route, const EventBatch& batch, EventBatch* owned) {
  const EventBatch* current = &batch;
  ScratchScope scope;
  // Filters the producer already applied to each record only count the batch.
  size_t applied = batch.applied ? batch.applied->applied_prefix(route.filters) : 0;
  for (Filter* f : route.filters) {
    if (applied > 0) {
      --applied;
      f->count_passed(*current);
      continue;
    }
    EventBatch& out = t_scratch.take();
    out.tag = current->tag;
    if (f->filter(*current, out) == Filter::Outcome::kReplaced) {
      current = &out;
      if (out.empty()) return Status::ok();  // every event dropped
    }
    f->count_passed(*current);
  }
  if (!route.output) {
    no_match(*current);
    return Status::ok();
  }
  // The statistics are taken first: an output given the batch may take its bytes (only when it
  // succeeds, so a failed batch is still whole below).
  const uint64_t records = current->count, bytes = current->entries.size();
  Status s = current == owned ? route.output->emit_taking(*owned) : route.output->emit(*current);
  if (s.is_ok()) route.output->count_taken(records, bytes);
  if (s.is_ok() || s.code() == StatusCode::kBufferFull) return s;
  return on_output_error(*current, s);
}

Status Router::on_output_error(const EventBatch& batch, const Status& status) {
  static RateLimitedLog failed_log(5.0);
  if (error_router_ && error_router_ != this) {
    Logger().warn("send an error event stream to @ERROR:" + kv("error", status.message()) +
                  kv("tag", batch.tag));
    Status s = error_router_->route(batch);
    if (s.is_ok()) {
      count_to_error_label(DropReason::kOutputError, batch.count);
      return s;
    }
  }
  failed_log.warn(
      Logger(), "emit transaction failed:" + kv("error", status.message()) + kv("tag", batch.tag));
  return status;
}

void Router::no_match(const EventBatch& batch) {
  if (!warn_not_matched_) return;
  count_dropped(DropReason::kNoMatch, batch.count);
  uint64_t c = ++no_match_count_;
  bool warn = c < 512 ? is_power_of_two(c) : c % 512 == 0;
  Logger log;
  if (warn)
    log.warn("no patterns matched" + kv("tag", batch.tag));
  else if (log.enabled(LogLevel::kTrace))
    log.trace("no patterns matched" + kv("tag", batch.tag));
}

}  // namespace shipper
