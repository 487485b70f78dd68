#pragma once
// Ruby's view of evaluation values, shared by the placeholder and Ruby-subset evaluators (and the
// Ruby-subset lexer, for numeric literals): what a record value becomes, what counts as true, and
// the class names and messages Ruby's errors use. Internal to record_transformer; the public API
// is expr.hpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_view.hpp"
#include "core/status.hpp"
#include "plugins/filter_record_transformer/expr.hpp"

namespace shipper::filter_record_transformer {

// A value read from the record: nil (or absent) stays nil, anything else is kept as a msgpack view
// so that a map or array is not decoded unless an operation needs its contents.
inline Val from_mp(const MpValue& m) {
  Val v;
  if (!m.valid() || m.is_nil()) return v;
  v.k = Val::K::kRaw;
  v.raw = m;
  return v;
}

// A scalar read from the record becomes a native value; maps and arrays stay views.
Val scalar(const Val& v);

// Ruby truthiness: only nil and false are false.
inline bool truthy(const Val& v) {
  if (v.k == Val::K::kNil) return false;
  if (v.k == Val::K::kBool) return v.b;
  if (v.k == Val::K::kRaw) return !(v.raw.type == MpType::kBool && !v.raw.boolean);
  return true;
}

// The string a value holds (a native string or a msgpack str/bin view); false for non-strings.
inline bool string_of(const Val& v, std::string_view& out) {
  if (v.k == Val::K::kStr) return out = v.s, true;
  if (v.k == Val::K::kRaw && v.raw.is_string()) return out = v.raw.data, true;
  return false;
}

// The class as Ruby names it in NoMethodError / TypeError messages ("nil:NilClass", "String").
const char* class_name(const Val& v);

// The errors Ruby would raise; the filter turns them into error events as Fluentd does.
Status ruby_error(std::string message);
Status no_method(std::string_view method, const Val& v);

// Ruby's String#to_i: the longest integer prefix, 0 for garbage.
int64_t ruby_str_to_i(std::string_view s);

// list[idx] with Ruby's negative indexes; nil (and *found false) when out of range.
Val list_elem(const std::vector<std::string>& list, int64_t idx, bool* found = nullptr);

}  // namespace shipper::filter_record_transformer
