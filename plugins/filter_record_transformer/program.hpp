#pragma once
// The <record> sections compiled once at configure time into a program: for each field a key
// template and a value tree whose strings are templates (literal text and ${...} expressions).
// Per event the program only evaluates; it never scans config strings again.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/schema.hpp"
#include "plugins/filter_record_transformer/expr.hpp"

namespace shipper::filter_record_transformer {

// A string with ${...} tokens.
struct Template {
  struct Piece {
    std::string literal;  // used when expr is null
    ExprPtr expr;
    std::string token;  // the token as written, for the unknown-placeholder warning
  };
  std::vector<Piece> pieces;
  bool typed = false;  // exactly one token (auto_typecast, not a key): the value keeps its type
  bool is_static() const;
  bool batch_constant() const;
};

// A <record> value: a template, or (for values written as JSON) a map or array of such values.
struct ValueTree {
  enum class Kind { kTemplate, kMap, kArray, kEncoded };
  Kind kind = Kind::kTemplate;
  Template tmpl;
  std::vector<std::pair<Template, ValueTree>> map;
  std::vector<ValueTree> array;
  std::string encoded;  // kEncoded: a JSON number, bool or null, as msgpack
  bool batch_constant() const;
};

struct Field {
  Template key;
  ValueTree value;
};

// Where unknown placeholders met during an expansion are reported.
using UnknownSink = std::vector<std::string>;

// One event's expanded fields: keys and encoded values side by side.
struct Expansion {
  std::vector<std::string> keys;
  std::vector<std::string> values;  // each one msgpack object
  void clear() {
    keys.clear();
    values.clear();
  }
};

struct CompileOptions {
  bool enable_ruby = false;
  bool auto_typecast = true;
};

class Program {
 public:
  // Compiles every <record> (later duplicates of a key win, in the first one's position).
  // Problems go to `diags` (errors: unsupported Ruby; warnings: invalid JSON kept as a string);
  // returns nullopt when there was an error.
  static std::optional<Program> compile(const std::vector<config::FreeFormSection>& records,
                                        const CompileOptions& options, config::Diagnostics* diags);

  // Expands every field for one event. Fails only for Ruby expressions that raise.
  Status expand(const EvalContext& ctx, Expansion& out, UnknownSink& unknown) const;

  const std::vector<Field>& fields() const { return fields_; }
  // True when no field reads the record or the time: one expansion serves a whole batch.
  bool batch_constant() const { return batch_constant_; }

 private:
  std::vector<Field> fields_;
  bool batch_constant_ = true;
};

// Fluentd's tag_parts / tag_prefix / tag_suffix of a tag.
struct TagParts {
  std::vector<std::string> parts, prefix, suffix;
  explicit TagParts(std::string_view tag);
};

}  // namespace shipper::filter_record_transformer
