// filter_record_transformer (spec §4): adds, overwrites and removes fields.
//
// Hot path: when the program only adds keys whose values do not depend on the event (static text,
// ${tag}, ${hostname}, …), the pairs are encoded once per batch (a MapAppendix) and added to each
// record in place. A producer can do that itself as it writes each record (appendix_for); then
// the router skips this filter. Everything else goes through rewrite_map, which still copies
// untouched pairs as bytes.
#include <unistd.h>
#include <cmath>
#include <cstring>
#include <optional>

#include "core/record_accessor.hpp"
#include "core/record_view.hpp"
#include "engine/registry.hpp"
#include "plugins/filter_record_transformer/error_events.hpp"
#include "plugins/filter_record_transformer/params.hpp"
#include "plugins/filter_record_transformer/program.hpp"

namespace shipper::filter_record_transformer {
namespace {

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// Ruby's `value.to_f` for renew_time_key; false where Ruby raises NoMethodError.
bool value_to_f(const MpValue& v, double& out, std::string& error) {
  switch (v.type) {
    case MpType::kInvalid:
    case MpType::kNil:
      out = 0;
      return true;
    case MpType::kInt:
      out = v.is_unsigned ? static_cast<double>(v.uinteger) : static_cast<double>(v.integer);
      return true;
    case MpType::kFloat:
      out = v.floating;
      return true;
    case MpType::kStr:
    case MpType::kBin:
      out = ruby_str_to_f(v.data);
      return true;
    default:
      error = std::string("undefined method `to_f' for ") +
              (v.type == MpType::kMap     ? "Hash"
               : v.type == MpType::kArray ? "Array"
               : v.type == MpType::kBool  ? (v.boolean ? "true:TrueClass" : "false:FalseClass")
                                          : "Object");
      return false;
  }
}

// Fluent::EventTime.from_time(Time.at(f)).
EventTime time_from_double(double f) {
  if (!(f > 0)) return {};
  double sec = std::floor(f);
  long double frac = static_cast<long double>(f) - static_cast<long double>(sec);
  auto nsec = static_cast<uint32_t>(frac * 1000000000.0L);
  if (nsec >= 1000000000u) nsec = 999999999u;
  return {static_cast<uint32_t>(sec), nsec};
}

}  // namespace

class RecordTransformer : public Filter {
 public:
  using Params = filter_record_transformer::Params;

  RecordTransformer(Params p, PluginContext& ctx)
      : params_(std::move(p)), ctx_(ctx), hostname_(host_name()) {
    auto program =
        Program::compile(params_.records, {params_.enable_ruby, params_.auto_typecast}, nullptr);
    if (program) {
      program_ = std::move(*program);
    } else {
      // The validator reports the details; a program that did not compile changes nothing.
      ctx_.log.error(
          "record_transformer: the <record> section did not compile; records pass unchanged");
    }
    if (params_.remove_keys)
      for (const auto& k : *params_.remove_keys) {
        auto a = RecordAccessor::parse(k);
        if (!a) continue;  // reported by the validator
        if (a->is_top_level()) {
          remove_top_owned_.push_back(a->top_key());
        } else {
          remove_nested_.push_back(std::move(*a));
        }
      }
    for (const auto& k : remove_top_owned_) remove_top_.push_back(k);
    if (params_.keep_keys) keep_keys_ = *params_.keep_keys;
    append_only_ = program_.batch_constant() && !params_.renew_record && !params_.renew_time_key &&
                   remove_top_.empty() && remove_nested_.empty();
  }

  bool appendix_for(std::string_view tag, MapAppendix& out) override {
    return append_only_ && batch_appendix(tag, out);
  }

  Outcome filter(const EventBatch& in, EventBatch& out) override {
    if (out.tag.empty()) out.tag = in.tag;
    if (append_only_) {
      MapAppendix appendix;
      if (batch_appendix(in.tag, appendix)) return add_to_each(in, appendix, out);
    }
    TagParts tags(in.tag);
    EvalContext ctx = batch_context(in.tag, tags);
    Expansion expansion;
    UnknownSink unknown;
    Status batch_status;
    bool constant = program_.batch_constant();
    if (constant) {
      batch_status = program_.expand(ctx, expansion, unknown);
      if (batch_status) dedupe(expansion);
    }
    size_t unknown_per_event = unknown.size();

    filter_util::ErrorEvents errors;
    std::string scratch, scratch2;
    std::vector<FieldSet> set;
    std::string_view rest = in.entries;
    EventTime time;
    MpValue record;
    uint64_t unknown_count = 0;
    while (!rest.empty()) {
      if (!next_entry(rest, time, record)) break;
      if (!constant) {
        ctx.time = time;
        ctx.record = record;
        unknown.clear();
        batch_status = program_.expand(ctx, expansion, unknown);
        unknown_per_event = unknown.size();
      }
      unknown_count += unknown_per_event;
      if (!batch_status) {
        errors.add(in.tag, time, record.bytes, batch_status.message());
        continue;
      }
      // General path: Fluentd's reform + renew_time_key + remove_keys.
      set.clear();
      if (params_.renew_record) {
        for (const auto& k : keep_keys_) {
          MpValue v = MapView::find(record, k);
          if (v.valid()) set.push_back({k, v.bytes});
        }
      }
      for (size_t i = 0; i < expansion.keys.size(); ++i)
        set.push_back({expansion.keys[i], expansion.values[i]});
      EventTime new_time = time;
      if (params_.renew_time_key) {
        std::optional<MpValue> tv;
        for (const auto& f : set)
          if (f.key == *params_.renew_time_key) {
            MpValue v;
            mp_decode(f.value, v);
            tv = v;
          }
        if (!tv && !params_.renew_record) {
          MpValue v = MapView::find(record, *params_.renew_time_key);
          if (v.valid()) tv = v;
        }
        if (tv) {
          double f = 0;
          std::string err;
          if (!value_to_f(*tv, f, err)) {
            errors.add(in.tag, time, record.bytes, err);
            continue;
          }
          new_time = time_from_double(f);
        }
      }
      scratch.clear();
      MpValue base = params_.renew_record ? MpValue{} : record;
      rewrite_map(base, set, remove_top_, scratch);
      for (const auto& a : remove_nested_) {
        MpValue cur;
        mp_decode(scratch, cur);
        scratch2.clear();
        if (a.remove(cur, scratch2)) scratch.swap(scratch2);
      }
      out.begin_entry(new_time);
      out.entries += scratch;
      out.commit_entry();
    }
    if (unknown_count > 0) warn_unknown(unknown, unknown_count);
    errors.flush(ctx_, error_limit_);
    return Outcome::kReplaced;
  }

 private:
  // Keys that expand to the same text keep one place (the first) and the last value.
  static void dedupe(Expansion& e) {
    for (size_t i = 0; i < e.keys.size(); ++i)
      for (size_t j = i + 1; j < e.keys.size();)
        if (e.keys[j] == e.keys[i]) {
          e.values[i] = std::move(e.values[j]);
          e.keys.erase(e.keys.begin() + j);
          e.values.erase(e.values.begin() + j);
        } else {
          ++j;
        }
  }

  // What placeholders see of a batch with `tag`; `tags` holds what the context points into.
  EvalContext batch_context(std::string_view tag, const TagParts& tags) const {
    EvalContext ctx;
    ctx.tag = tag;
    ctx.tag_parts = &tags.parts;
    ctx.tag_prefix = &tags.prefix;
    ctx.tag_suffix = &tags.suffix;
    ctx.hostname = hostname_;
    return ctx;
  }

  // The pairs for a batch with `tag` when they are the same for every record: false when the
  // expansion failed or met an unknown placeholder (the per-event path reports those).
  bool batch_appendix(std::string_view tag, MapAppendix& out) const {
    TagParts tags(tag);
    EvalContext ctx = batch_context(tag, tags);
    Expansion expansion;
    UnknownSink unknown;
    if (!program_.expand(ctx, expansion, unknown) || !unknown.empty()) return false;
    out.clear();
    for (size_t i = 0; i < expansion.keys.size(); ++i)
      out.add(expansion.keys[i], expansion.values[i]);
    return true;
  }

  // Each record with the pairs added (a record that is not a map becomes a map of the pairs,
  // as rewrite_map treats it as an empty one).
  static Outcome add_to_each(const EventBatch& in, const MapAppendix& appendix, EventBatch& out) {
    out.entries.reserve(in.entries.size() + in.entries.size() / 4);
    std::string_view rest = in.entries;
    EventTime time;
    MpValue record;
    while (!rest.empty() && next_entry(rest, time, record)) {
      out.begin_entry(time);
      size_t map_pos = out.entries.size();
      if (record.is_map()) {
        out.entries.append(record.bytes);
      } else {
        mp_write_map_header(out.entries, 0);
      }
      appendix.apply_to_tail(out.entries, map_pos);
      out.commit_entry();
    }
    return Outcome::kReplaced;
  }

  void warn_unknown(const UnknownSink& tokens, uint64_t count) {
    uint64_t suppressed = 0;
    if (!unknown_limit_.allow(suppressed)) return;
    std::string token = tokens.empty() ? std::string("${...}") : tokens.front();
    std::string msg = "unknown placeholder `" + token + "` found";
    if (count + suppressed > 1)
      msg += " (" + std::to_string(count + suppressed) + " times since last report)";
    ctx_.log.warn(msg);
  }

  Params params_;
  PluginContext ctx_;
  std::string hostname_;
  Program program_;
  std::vector<std::string> keep_keys_;
  std::vector<std::string> remove_top_owned_;
  std::vector<std::string_view> remove_top_;  // views of remove_top_owned_
  std::vector<RecordAccessor> remove_nested_;
  bool append_only_ = false;
  filter_util::RateLimit unknown_limit_;
  filter_util::RateLimit error_limit_;
};

}  // namespace shipper::filter_record_transformer

namespace shipper {
void register_plugin_filter_record_transformer(Registry& registry) {
  registry.add<filter_record_transformer::RecordTransformer>(
      config::PluginKind::kFilter, "record_transformer",
      "adds, overwrites and removes record fields with ${...} placeholders");
}
}  // namespace shipper
