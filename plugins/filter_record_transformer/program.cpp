#include "plugins/filter_record_transformer/program.hpp"

#include <simdjson.h>

#include "core/text.hpp"

namespace shipper::filter_record_transformer {

bool Template::is_static() const {
  for (const auto& p : pieces)
    if (p.expr) return false;
  return true;
}

bool Template::batch_constant() const {
  for (const auto& p : pieces)
    if (p.expr && !p.expr->batch_constant()) return false;
  return true;
}

bool ValueTree::batch_constant() const {
  switch (kind) {
    case Kind::kTemplate:
      return tmpl.batch_constant();
    case Kind::kEncoded:
      return true;
    case Kind::kArray:
      for (const auto& v : array)
        if (!v.batch_constant()) return false;
      return true;
    case Kind::kMap:
      for (const auto& [k, v] : map)
        if (!k.batch_constant() || !v.batch_constant()) return false;
      return true;
  }
  return true;
}

TagParts::TagParts(std::string_view tag) {
  // Ruby's String#split('.'): empty fields kept except at the end.
  size_t from = 0;
  while (from <= tag.size()) {
    size_t dot = tag.find('.', from);
    if (dot == std::string_view::npos) dot = tag.size();
    parts.emplace_back(tag.substr(from, dot - from));
    from = dot + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  for (size_t i = 0; i < parts.size(); ++i)
    prefix.push_back(i == 0 ? parts[0] : prefix[i - 1] + "." + parts[i]);
  suffix.resize(parts.size());
  for (size_t i = parts.size(); i-- > 0;)
    suffix[i] = i + 1 == parts.size() ? parts[i] : parts[i] + "." + suffix[i + 1];
}

namespace {

// Fluentd's token pattern /\$\{[^}]+\}|__[A-Z_]+__/: returns the token's length at s[i], or 0.
size_t token_at(std::string_view s, size_t i) {
  if (s.substr(i, 2) == "${") {
    size_t close = s.find('}', i + 2);
    if (close != std::string_view::npos && close > i + 2) return close - i + 1;
    return 0;
  }
  if (s.substr(i, 2) == "__") {
    size_t k = i + 2;
    while (k < s.size() && ((s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_')) ++k;
    // Greedy [A-Z_]+ then "__": the longest end that leaves at least one character inside.
    for (size_t e = k; e >= i + 5; --e)
      if (s[e - 1] == '_' && s[e - 2] == '_') return e - i;
  }
  return 0;
}

struct Compiler {
  CompileOptions options;
  config::Diagnostics* diags;
  const config::Param* param = nullptr;  // the <record> line being compiled, for locations
  bool failed = false;

  config::Location where(size_t offset) const {
    config::Location loc = param->value_loc;
    // Columns are exact for unquoted values (the usual way <record> values are written).
    if (param->form == config::ValueForm::kUnquoted) loc.column += static_cast<int>(offset);
    return loc;
  }

  void ruby_error(const CompileError& err, size_t base) {
    failed = true;
    if (diags)
      diags->error(where(base + err.offset), "unsupported-ruby",
                   "enable_ruby: " + err.message + " in `" + param->value + "`",
                   "shipper evaluates a subset of Ruby in ${...} (see docs/filters.md); rewrite "
                   "the expression with it, or use a placeholder without enable_ruby");
  }

  Template text_template(std::string_view s, bool is_key, size_t base) {
    Template t;
    if (options.enable_ruby) {
      bool single = !is_key && options.auto_typecast && starts_with(s, "${") && ends_with(s, "}") &&
                    s.find("${", 2) == std::string_view::npos;
      CompileError err;
      ExprPtr e = single ? compile_ruby(s.substr(2, s.size() - 3), err)
                         : compile_ruby_interpolation(s, err);
      if (!e) {
        ruby_error(err, base + (single ? 2 : 0));
        return t;
      }
      t.pieces.push_back({{}, e, std::string(s)});
      t.typed = single;
      return t;
    }
    std::string lit;
    size_t i = 0;
    while (i < s.size()) {
      size_t n = token_at(s, i);
      if (n == 0) {
        lit += s[i++];
        continue;
      }
      if (!lit.empty()) t.pieces.push_back({std::move(lit), nullptr, {}});
      lit.clear();
      std::string token(s.substr(i, n));
      t.pieces.push_back({{}, compile_placeholder(token), token});
      i += n;
    }
    if (!lit.empty()) t.pieces.push_back({std::move(lit), nullptr, {}});
    t.typed = !is_key && options.auto_typecast && t.pieces.size() == 1 && t.pieces[0].expr;
    return t;
  }

  ValueTree from_json(simdjson::dom::element e, size_t base) {
    using T = simdjson::dom::element_type;
    ValueTree v;
    switch (e.type()) {
      case T::OBJECT:
        v.kind = ValueTree::Kind::kMap;
        for (auto field : simdjson::dom::object(e))
          v.map.emplace_back(text_template(field.key, true, base), from_json(field.value, base));
        break;
      case T::ARRAY:
        v.kind = ValueTree::Kind::kArray;
        for (auto x : simdjson::dom::array(e)) v.array.push_back(from_json(x, base));
        break;
      case T::STRING:
        v.tmpl = text_template(std::string_view(e.get_string()), false, base);
        break;
      default: {
        v.kind = ValueTree::Kind::kEncoded;
        if (e.type() == T::INT64) {
          mp_write_int(v.encoded, int64_t(e.get_int64()));
        } else if (e.type() == T::UINT64) {
          mp_write_double(v.encoded, static_cast<double>(uint64_t(e.get_uint64())));
        } else if (e.type() == T::DOUBLE) {
          mp_write_double(v.encoded, double(e.get_double()));
        } else if (e.type() == T::BOOL) {
          mp_write_bool(v.encoded, bool(e.get_bool()));
        } else {
          mp_write_nil(v.encoded);
        }
      }
    }
    return v;
  }

  ValueTree value(std::string_view s) {
    if (starts_with(s, "{") || starts_with(s, "[")) {
      simdjson::dom::parser parser;
      simdjson::padded_string padded(s);
      simdjson::dom::element e;
      if (parser.parse(padded).get(e) == simdjson::SUCCESS) return from_json(e, 0);
      if (diags)
        diags->warning(param->value_loc, "invalid-json-value",
                       "failed to parse " + std::string(s) + " as json. Assuming " +
                           std::string(s) + " is a string",
                       "values starting with { or [ are read as JSON");
    }
    ValueTree v;
    v.tmpl = text_template(s, false, 0);
    return v;
  }
};

// The plain key of a field whose key has no placeholders.
const std::string* static_key(const Template& t) {
  if (t.pieces.size() == 1 && !t.pieces[0].expr) return &t.pieces[0].literal;
  static const std::string empty;
  return t.pieces.empty() ? &empty : nullptr;
}

struct Expander {
  const EvalContext& ctx;
  UnknownSink& unknown;

  Status text(const Template& t, std::string& out) {
    for (const auto& p : t.pieces) {
      if (!p.expr) {
        out += p.literal;
        continue;
      }
      EvalResult r;
      if (Status s = p.expr->eval(ctx, r); !s) return s;
      if (r.unknown) {
        unknown.push_back(p.token);
        continue;
      }
      append_to_s(r.value, out);
    }
    return Status::ok();
  }

  Status value(const ValueTree& v, std::string& out) {
    switch (v.kind) {
      case ValueTree::Kind::kEncoded:
        out += v.encoded;
        return Status::ok();
      case ValueTree::Kind::kArray:
        mp_write_array_header(out, static_cast<uint32_t>(v.array.size()));
        for (const auto& e : v.array)
          if (Status s = value(e, out); !s) return s;
        return Status::ok();
      case ValueTree::Kind::kMap: {
        // Keys may expand to the same text: Ruby's Hash keeps one (last value, first place).
        std::vector<std::string> keys, vals;
        for (const auto& [k, e] : v.map) {
          std::string key, val;
          if (Status s = text(k, key); !s) return s;
          if (Status s = value(e, val); !s) return s;
          auto it = std::find(keys.begin(), keys.end(), key);
          if (it != keys.end()) {
            vals[it - keys.begin()] = std::move(val);
          } else {
            keys.push_back(std::move(key));
            vals.push_back(std::move(val));
          }
        }
        mp_write_map_header(out, static_cast<uint32_t>(keys.size()));
        for (size_t i = 0; i < keys.size(); ++i) {
          mp_write_str(out, keys[i]);
          out += vals[i];
        }
        return Status::ok();
      }
      case ValueTree::Kind::kTemplate: {
        const Template& t = v.tmpl;
        if (t.typed) {
          EvalResult r;
          if (Status s = t.pieces[0].expr->eval(ctx, r); !s) return s;
          if (r.unknown) unknown.push_back(t.pieces[0].token);
          append_msgpack(r.unknown ? Val::nil() : r.value, out);
          return Status::ok();
        }
        std::string s;
        if (Status st = text(t, s); !st) return st;
        mp_write_str(out, s);
        return Status::ok();
      }
    }
    return Status::ok();
  }
};

}  // namespace

std::optional<Program> Program::compile(const std::vector<config::FreeFormSection>& records,
                                        const CompileOptions& options, config::Diagnostics* diags) {
  Compiler c{options, diags};
  Program p;
  for (const auto& section : records) {
    if (!section.element) continue;
    for (const auto& param : section.element->params) {
      c.param = &param;
      Field f{c.text_template(param.key, true, 0), c.value(param.value)};
      // A repeated static key replaces the earlier value in the earlier position.
      const std::string* k = static_key(f.key);
      bool replaced = false;
      if (k) {
        for (auto& existing : p.fields_) {
          const std::string* ek = static_key(existing.key);
          if (ek && *ek == *k) {
            existing.value = std::move(f.value);
            replaced = true;
            break;
          }
        }
      }
      if (!replaced) p.fields_.push_back(std::move(f));
    }
  }
  if (c.failed) return std::nullopt;
  for (const auto& f : p.fields_)
    if (!f.key.batch_constant() || !f.value.batch_constant()) p.batch_constant_ = false;
  return p;
}

Status Program::expand(const EvalContext& ctx, Expansion& out, UnknownSink& unknown) const {
  out.clear();
  Expander x{ctx, unknown};
  for (const auto& f : fields_) {
    std::string key, value;
    if (Status s = x.text(f.key, key); !s) return s;
    if (Status s = x.value(f.value, value); !s) return s;
    out.keys.push_back(std::move(key));
    out.values.push_back(std::move(value));
  }
  return Status::ok();
}

}  // namespace shipper::filter_record_transformer
