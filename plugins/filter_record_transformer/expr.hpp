#pragma once
// The expressions inside record_transformer's ${...}, compiled once at configure time.
//
// Without enable_ruby a token is one of Fluentd's fixed placeholders (tag, tag_parts[N],
// tag_prefix[N], tag_suffix[N], hostname, time, record["KEY"]); anything else is an "unknown
// placeholder" that expands to nil with a warning, as in Fluentd.
// With enable_ruby there is no Ruby interpreter: a small compiler accepts the subset of Ruby that
// Kubernetes configs use (docs/filters.md lists it) and rejects everything else at configure time
// with the unsupported part named, so a config never fails later at run time for that reason.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_time.hpp"
#include "core/record_view.hpp"
#include "core/status.hpp"

namespace shipper::filter_record_transformer {

// What one event's expressions can see.
struct EvalContext {
  std::string_view tag;
  const std::vector<std::string>* tag_parts = nullptr;
  const std::vector<std::string>* tag_prefix = nullptr;
  const std::vector<std::string>* tag_suffix = nullptr;
  std::string_view hostname;
  EventTime time;
  MpValue record;  // the original record (a map)
};

// A value during evaluation. Values read from the record stay msgpack views (kRaw) until an
// operation needs them as something else.
struct Val {
  enum class K : uint8_t { kNil, kBool, kInt, kFloat, kStr, kRaw, kTime, kList };
  K k = K::kNil;
  bool b = false;
  bool utc = false;  // kTime: Time#utc was applied
  int64_t i = 0;
  double f = 0;
  EventTime t;
  std::string s;                  // kStr
  MpValue raw;                    // kRaw (maps and arrays; scalars are normalised)
  std::vector<std::string> list;  // kList (tag_parts, split results)

  static Val nil() { return {}; }
  static Val str(std::string v) {
    Val r;
    r.k = K::kStr;
    r.s = std::move(v);
    return r;
  }
};

// Appends Ruby's to_s of a value (Time#to_s in local time, nil → "", maps and arrays as inspect).
void append_to_s(const Val& v, std::string& out);
// Appends the value as one msgpack object (a Time becomes its to_s text).
void append_msgpack(const Val& v, std::string& out);
// Time#to_s: "%Y-%m-%d %H:%M:%S %z" in the process's local zone (or UTC).
void append_time_to_s(EventTime t, bool utc, std::string& out);

class Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct EvalResult {
  Val value;
  bool unknown = false;  // placeholder mode: the token has no value for this event
};

class Expr {
 public:
  virtual ~Expr() = default;
  // Placeholder mode never fails; Ruby mode fails where Ruby would raise (nil.upcase, String +
  // nil).
  virtual Status eval(const EvalContext& ctx, EvalResult& out) const = 0;
  // True when the value depends only on the tag and hostname (the same for a whole batch).
  virtual bool batch_constant() const = 0;
};

// Ruby's String#to_f: the longest numeric prefix ("2020-06-01T…" → 2020.0), 0.0 for garbage.
double ruby_str_to_f(std::string_view s);

// Compiles the text inside ${...} as a fixed Fluentd placeholder. `token` is the whole token as
// written (`${tag}` or `__X__`), used in the unknown-placeholder warning.
ExprPtr compile_placeholder(std::string_view token);

// Where a Ruby expression failed to compile: a message naming the unsupported part, and the byte
// offset of that part in the source text.
struct CompileError {
  std::string message;
  size_t offset = 0;
};

// Compiles a Ruby expression (the text inside ${...}, enable_ruby true).
ExprPtr compile_ruby(std::string_view source, CompileError& err);
// Compiles the body of a Ruby double-quoted string (%Q[...]): literal text with escapes and
// #{...} interpolations. Used for values that are not exactly one ${...}.
ExprPtr compile_ruby_interpolation(std::string_view body, CompileError& err);

}  // namespace shipper::filter_record_transformer
