// filter_record_transformer (spec §4): adds, overwrites and removes fields.
//
// Hot path: when the program only adds keys whose values do not depend on the event (static text,
// ${tag}, ${hostname}, …), the new pairs are encoded once per batch and each record is copied with
// its map header patched and the pairs appended, after a scan of its keys shows none is
// overwritten. Everything else goes through rewrite_map, which still copies untouched pairs as
// bytes.
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

  Outcome filter(const EventBatch& in, EventBatch& out) override {
    if (out.tag.empty()) out.tag = in.tag;
    TagParts tags(in.tag);
    EvalContext ctx;
    ctx.tag = in.tag;
    ctx.tag_parts = &tags.parts;
    ctx.tag_prefix = &tags.prefix;
    ctx.tag_suffix = &tags.suffix;
    ctx.hostname = hostname_;

    Expansion expansion;
    UnknownSink unknown;
    std::string pairs;  // the batch's encoded key/value pairs for the append-only path
    Status batch_status;
    bool constant = program_.batch_constant();
    if (constant) {
      batch_status = program_.expand(ctx, expansion, unknown);
      if (batch_status) dedupe(expansion);
      for (size_t i = 0; i < expansion.keys.size(); ++i) {
        mp_write_str(pairs, expansion.keys[i]);
        pairs += expansion.values[i];
      }
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
      if (append_only_ && batch_status && unknown_per_event == 0 &&
          try_append(rest, expansion.keys, pairs, out))
        continue;
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
      if (append_only_ && record.is_map() && !has_any_key(record, expansion.keys)) {
        size_t mark = out.begin_entry(time);
        (void)mark;
        append_to_map(record, pairs, static_cast<uint32_t>(expansion.keys.size()), out.entries);
        out.commit_entry();
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

  // The append-only fast path on raw entry bytes: for an entry of the usual shape (fixarray 2,
  // EventTime ext, map) whose keys do not include any added key, copies the entry with the map
  // header patched and `pairs` appended, advances `rest` and returns true. One pass over the
  // record: keys are compared while values are skipped by length.
  static bool try_append(std::string_view& rest, const std::vector<std::string>& keys,
                         std::string_view pairs, EventBatch& out) {
    constexpr size_t kTimeEnd = 11;  // 0x92, 0xd7 0x00, 8 bytes of EventTime
    const char* p = rest.data();
    size_t n = rest.size();
    if (n < kTimeEnd + 1 || static_cast<unsigned char>(p[0]) != 0x92 ||
        static_cast<unsigned char>(p[1]) != 0xd7 || p[2] != 0)
      return false;
    unsigned char h = static_cast<unsigned char>(p[kTimeEnd]);
    uint32_t count;
    size_t off;
    if ((h & 0xf0) == 0x80) {
      count = h & 0x0f;
      off = kTimeEnd + 1;
    } else if (h == 0xde && n >= kTimeEnd + 3) {
      count = static_cast<uint32_t>(static_cast<unsigned char>(p[kTimeEnd + 1]) << 8 |
                                    static_cast<unsigned char>(p[kTimeEnd + 2]));
      off = kTimeEnd + 3;
    } else {
      return false;
    }
    const size_t body = off;
    for (uint32_t i = 0; i < count; ++i) {
      if (off >= n) return false;
      unsigned char k = static_cast<unsigned char>(p[off]);
      size_t klen, khdr;
      if ((k & 0xe0) == 0xa0) {
        klen = k & 0x1f, khdr = 1;
      } else if (k == 0xd9 && off + 1 < n) {
        klen = static_cast<unsigned char>(p[off + 1]), khdr = 2;
      } else {
        return false;  // unusual key: let the general path handle it
      }
      if (off + khdr + klen > n) return false;
      std::string_view key(p + off + khdr, klen);
      for (const auto& added : keys)
        if (added.size() == klen && added == key) return false;
      off += khdr + klen;
      size_t vlen = mp_skip(rest.substr(off));
      if (vlen == 0) return false;
      off += vlen;
    }
    uint32_t total = count + static_cast<uint32_t>(keys.size());
    if (total > 0xffff) return false;
    // Time and map header, then the record's pairs and the added ones, by appends (a resize
    // first would zero-fill what is then overwritten).
    char head[kTimeEnd + 3];
    std::memcpy(head, p, kTimeEnd);
    size_t head_len = kTimeEnd;
    if (total < 16) {
      head[head_len++] = static_cast<char>(0x80 | total);
    } else {
      head[head_len++] = static_cast<char>(0xde);
      head[head_len++] = static_cast<char>(total >> 8);
      head[head_len++] = static_cast<char>(total);
    }
    std::string& e = out.entries;
    e.append(head, head_len);
    e.append(p + body, off - body);
    e.append(pairs.data(), pairs.size());
    ++out.count;
    rest.remove_prefix(off);
    return true;
  }

  static bool has_any_key(const MpValue& record, const std::vector<std::string>& keys) {
    MapView it(record);
    MpValue k, v;
    while (it.next(k, v)) {
      if (!k.is_string()) continue;
      for (const auto& key : keys)
        if (key.size() == k.data.size() && key == k.data) return true;
    }
    return false;
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
