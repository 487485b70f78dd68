// Fluentd's fixed placeholders (enable_ruby false): ${tag}, ${hostname}, ${time},
// ${tag_parts[N]}, ${tag_prefix[N]}, ${tag_suffix[N]}, ${record["KEY"]}. Fluentd looks tokens up
// in a table built per event, so anything not spelled exactly as a table key is "unknown".
#include <cstdlib>
#include <utility>

#include "core/text.hpp"
#include "plugins/filter_record_transformer/expr.hpp"
#include "plugins/filter_record_transformer/expr_value.hpp"

namespace shipper::filter_record_transformer {
namespace {

class Placeholder final : public Expr {
 public:
  enum class What {
    kTag,
    kHostname,
    kTime,
    kTagParts,
    kTagPrefix,
    kTagSuffix,
    kRecordKey,
    kUnknown
  };
  What what = What::kUnknown;
  int64_t index = 0;
  std::string key;

  Status eval(const EvalContext& ctx, EvalResult& out) const override {
    out.unknown = false;
    switch (what) {
      case What::kTag:
        out.value = Val::str(std::string(ctx.tag));
        break;
      case What::kHostname:
        out.value = Val::str(std::string(ctx.hostname));
        break;
      case What::kTime: {
        std::string text;
        append_time_to_s(ctx.time, false, text);
        out.value = Val::str(std::move(text));
        break;
      }
      case What::kTagParts:
      case What::kTagPrefix:
      case What::kTagSuffix: {
        const auto* list = what == What::kTagParts    ? ctx.tag_parts
                           : what == What::kTagPrefix ? ctx.tag_prefix
                                                      : ctx.tag_suffix;
        bool found = false;
        out.value = list ? list_elem(*list, index, &found) : Val::nil();
        out.unknown = !found;
        break;
      }
      case What::kRecordKey: {
        MpValue v = MapView::find(ctx.record, key);
        out.unknown = !v.valid();
        out.value = from_mp(v);
        break;
      }
      case What::kUnknown:
        out.value = Val::nil();
        out.unknown = true;
        break;
    }
    return Status::ok();
  }
  bool batch_constant() const override { return what != What::kTime && what != What::kRecordKey; }
};

// `N` exactly as Ruby's Integer#to_s writes it (what Fluentd's placeholder table holds).
bool canonical_int(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  if (s[i] == '0' && (s.size() - i > 1 || i == 1)) return false;
  for (size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return false;
  out = std::strtoll(std::string(s).c_str(), nullptr, 10);
  return true;
}

}  // namespace

ExprPtr compile_placeholder(std::string_view token) {
  auto p = std::make_shared<Placeholder>();
  if (token.size() < 3 || token.substr(0, 2) != "${") return p;  // __X__: always unknown
  std::string_view inner = token.substr(2, token.size() - 3);
  using W = Placeholder::What;
  if (inner == "tag") {
    p->what = W::kTag;
  } else if (inner == "hostname") {
    p->what = W::kHostname;
  } else if (inner == "time") {
    p->what = W::kTime;
  } else if (starts_with(inner, "record[\"") && ends_with(inner, "\"]") && inner.size() >= 10) {
    p->what = W::kRecordKey;
    p->key = std::string(inner.substr(8, inner.size() - 10));
  } else {
    for (auto [name, what] :
         {std::pair{"tag_parts[", W::kTagParts}, std::pair{"tag_prefix[", W::kTagPrefix},
          std::pair{"tag_suffix[", W::kTagSuffix}}) {
      std::string_view n(name);
      int64_t idx = 0;
      if (starts_with(inner, n) && ends_with(inner, "]") &&
          canonical_int(inner.substr(n.size(), inner.size() - n.size() - 1), idx)) {
        p->what = what;
        p->index = idx;
      }
    }
  }
  return p;
}

}  // namespace shipper::filter_record_transformer
