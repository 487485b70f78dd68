// filter_grep (spec §5.1): keeps or drops events by regexps searched in record fields.
//
// Rules are compiled into Fluentd's four pools (regexp-AND, regexp-OR, exclude-AND, exclude-OR)
// at configure time. Per event the field is read through the record accessor and turned into text
// as Ruby's to_s does, without copying the record; kept events are copied as whole entry bytes,
// and a batch where every event is kept passes on unchanged.
#include "core/record_accessor.hpp"
#include "core/record_view.hpp"
#include "core/ruby_regex.hpp"
#include "core/utf8.hpp"
#include "engine/registry.hpp"
#include "plugins/filter_grep/pools.hpp"
#include "plugins/filter_record_transformer/error_events.hpp"

namespace shipper::filter_grep {

class GrepFilter : public Filter {
 public:
  using Params = filter_grep::Params;

  GrepFilter(Params p, PluginContext& ctx) : ctx_(ctx) {
    build_pools(p, nullptr, config::Element{}, pools_);
  }

  Outcome filter(const EventBatch& in, EventBatch& out) override {
    if (out.tag.empty()) out.tag = in.tag;
    std::string_view rest = in.entries;
    EventTime time;
    MpValue record;
    bool all_kept = true;
    uint32_t kept = 0;
    size_t errors = 0;
    std::string first_error;
    // Entries before the first dropped one are copied lazily, only once something is dropped.
    size_t kept_prefix_end = 0;
    while (!rest.empty()) {
      std::string_view before = rest;
      if (!next_entry(rest, time, record)) break;
      std::string_view whole = before.substr(0, before.size() - rest.size());
      std::string error;
      bool keep = decide(record, error);
      if (!error.empty()) {
        ++errors;
        if (first_error.empty()) first_error = error;
      }
      if (keep) {
        if (all_kept) {
          kept_prefix_end = static_cast<size_t>(whole.data() + whole.size() - in.entries.data());
        } else {
          out.entries.append(whole.data(), whole.size());
          ++out.count;
        }
        ++kept;
      } else if (all_kept) {
        all_kept = false;
        out.entries.append(in.entries.data(), kept_prefix_end);
        out.count += kept;
      }
    }
    if (errors > 0) {
      uint64_t suppressed = 0;
      if (limit_.allow(suppressed))
        ctx_.log.warn("failed to grep events" + kv("error", first_error) +
                      (errors + suppressed > 1
                           ? " (" + std::to_string(errors + suppressed) + " events)"
                           : ""));
    }
    return all_kept ? Outcome::kUnchanged : Outcome::kReplaced;
  }

 private:
  enum class Match { kYes, kNo, kError };

  Match match(const Rule& r, const MpValue& record, std::string& error) const {
    MpValue v;
    std::string text;
    std::string_view subject;
    switch (r.accessor.get(record, v)) {
      case RecordAccessor::Lookup::kError:
        error = "undefined method `dig' on a scalar for key " + r.key;
        return Match::kError;
      case RecordAccessor::Lookup::kMissing:
        subject = "";
        break;
      case RecordAccessor::Lookup::kFound:
        if (v.is_string()) {
          subject = v.data;
        } else {
          append_ruby_to_s(v, text);
          subject = text;
        }
        break;
    }
    if (!is_valid_utf8(subject)) {
      text = scrub_utf8(subject, "?");
      subject = text;
    }
    return r.regex.search(subject) ? Match::kYes : Match::kNo;
  }

  // Fluentd's order: regexp-AND, regexp-OR, exclude-AND, exclude-OR; any evaluation error keeps
  // the event.
  bool decide(const MpValue& record, std::string& error) const {
    for (const auto& r : pools_.regexp_and) {
      Match m = match(r, record, error);
      if (m == Match::kError) return true;
      if (m == Match::kNo) return false;
    }
    if (!pools_.regexp_or.empty()) {
      bool any = false;
      for (const auto& r : pools_.regexp_or) {
        Match m = match(r, record, error);
        if (m == Match::kError) return true;
        if (m == Match::kYes) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    if (!pools_.exclude_and.empty()) {
      bool all = true;
      for (const auto& r : pools_.exclude_and) {
        Match m = match(r, record, error);
        if (m == Match::kError) return true;
        if (m == Match::kNo) {
          all = false;
          break;
        }
      }
      if (all) return false;
    }
    for (const auto& r : pools_.exclude_or) {
      Match m = match(r, record, error);
      if (m == Match::kError) return true;
      if (m == Match::kYes) return false;
    }
    return true;
  }

  PluginContext ctx_;
  Pools pools_;
  filter_util::RateLimit limit_;
};

}  // namespace shipper::filter_grep

namespace shipper {
void register_plugin_filter_grep(Registry& registry) {
  registry.add<filter_grep::GrepFilter>(config::PluginKind::kFilter, "grep",
                                        "keeps or drops events by regexps on their fields");
}
}  // namespace shipper
