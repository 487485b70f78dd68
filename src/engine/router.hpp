#pragma once
// The Router: one ordered rule list (<filter> and <match> in file order) per context — the top
// level or one <label>. For a tag, the route (the filters that match it, in order, up to the first
// matching <match>) is computed once and cached; emit() then runs the batch through those filters
// and hands it to that output. Tags no <match> takes go to the "no match" sink, which logs
// `no patterns matched` with Fluentd's cadence. Thread-safe: inputs emit from several threads.
#include <atomic>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tag_pattern.hpp"
#include "engine/plugin.hpp"

namespace shipper {

class Router : public EventRouter {
 public:
  // `label` is "" for the top level, else the label's name ("@ERROR", "@app").
  explicit Router(std::string label = {});

  void add_filter(MatchPattern pattern, Filter* filter);
  void add_match(MatchPattern pattern, Output* output);
  // Where streams go whose output failed (not back-pressure): the @ERROR router, if any.
  void set_error_router(Router* error_router) { error_router_ = error_router; }
  // <label @FLUENT_LOG>: unmatched log events are dropped silently.
  void suppress_missing_match() { warn_not_matched_ = false; }

  // Routes the batch; does not modify it. kBufferFull from the output comes back unchanged so
  // the input can retry; other output errors go to @ERROR when it exists.
  // An input's batch: the router may hand its storage to the output (Output::emit_taking).
  Status emit(EventBatch& batch) override { return route_batch(batch, &batch); }
  void record_steps(std::string_view tag, RecordSteps& out) override;
  Status route(const EventBatch& batch) { return route_batch(batch, nullptr); }

  // True if any rule (filter or match) matches the tag, as Fluentd's EventRouter#match?.
  bool matches_any_rule(std::string_view tag) const;
  // The output the tag goes to, or null (no-match sink). Uses the cache.
  Output* output_for(std::string_view tag);
  const std::string& label() const { return label_; }
  size_t rule_count() const { return rules_.size(); }
  uint64_t no_match_count() const { return no_match_count_.load(); }

  static constexpr size_t kRouteCacheLimit = 1024;
  // Nesting of re-emits (relabel inside relabel …) beyond which events are dropped as a loop.
  static constexpr int kMaxReemitDepth = 32;

 private:
  struct Rule {
    MatchPattern pattern;
    Filter* filter = nullptr;  // exactly one of filter / output is set
    Output* output = nullptr;
  };
  struct Route {
    std::vector<Filter*> filters;
    Output* output = nullptr;  // null: no <match> takes the tag
  };

  std::shared_ptr<const Route> route_for(std::string_view tag);
  std::shared_ptr<const Route> compute_route(std::string_view tag) const;
  // `owned`: the batch itself when the caller gave it up (see emit), else null.
  Status route_batch(const EventBatch& batch, EventBatch* owned);
  Status deliver(const Route& route, const EventBatch& batch, EventBatch* owned);
  Status on_output_error(const EventBatch& batch, const Status& status);
  void no_match(const EventBatch& batch);

  std::string label_;
  std::vector<Rule> rules_;
  Router* error_router_ = nullptr;
  bool warn_not_matched_ = true;
  std::atomic<uint64_t> no_match_count_{0};

  mutable std::shared_mutex cache_mu_;
  // Keys own their text; lookups by string_view go through a transparent hash.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::shared_ptr<const Route>, Hash, std::equal_to<>> cache_;
  std::deque<std::string> cache_order_;  // FIFO eviction, as Fluentd's route cache
};

}  // namespace shipper
