#pragma once
// The one place a plugin declares its parameters. A plugin writes a params struct with a static
// `describe(Schema<Self>&)`; from that declaration come binding a config element to the struct,
// the linter's checks, `shipper --describe`, and the config dump (quoting, secrets).
//
//   struct TailParams {
//     ArrayValue path;
//     std::string tag;
//     std::optional<std::string> pos_file;
//     bool read_from_head = false;
//     Duration refresh_interval{60};
//     PluginSection parse;
//     static void describe(Schema<TailParams>& s) {
//       s.param("path", &TailParams::path).required().help("files to read: globs, comma list");
//       s.param("read_from_head", &TailParams::read_from_head).help("start new files at the head");
//       s.plugin_section("parse", &TailParams::parse, PluginKind::kParser).required();
//     }
//   };
//
// Defaults are the members' initial values in a default-constructed struct; a param is required
// when declared .required() (it then has no default). std::optional<X> members default to nil.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/element.hpp"
#include "config/plugin_kind.hpp"
#include "config/value_types.hpp"

namespace shipper::config {

struct SectionSpec;

// A nested section that is itself a plugin with its own @type (<parse>, <format>, <buffer>,
// <store>, <secondary>): the owner keeps the element and creates the plugin through the registry.
struct PluginSection {
  const Element* element = nullptr;  // null when the section is absent
  std::string type;                  // @type, or the declared default type
  bool present() const { return element != nullptr; }
};

// A section without a schema, such as record_transformer's <record>: all its keys are used.
struct FreeFormSection {
  const Element* element = nullptr;
  std::vector<std::pair<std::string, std::string>> entries;  // key, value in order
  bool present() const { return element != nullptr; }
};

struct BindContext {
  Diagnostics* diags = nullptr;
  bool strict = false;            // --strict-config-value
  std::string section_path;      // "buffer" or "server > security"; for ", in section …"
  bool warn_unknown = true;       // report keys no declaration reads
  // Resolves a plugin section's schema (set by the linter and the engine); when null, plugin
  // sections are only recorded, not checked.
  std::function<const SectionSpec*(PluginKind, const std::string& type)> plugin_schema;
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::optional<std::string> default_text;  // nullopt: nil default (or required, see below)
  bool required = false;
  bool secret = false;
  std::vector<std::string> aliases;
  std::string deprecated;  // non-empty: warn with this message
  std::string obsoleted;   // non-empty: error with this message
  std::vector<std::string> enum_values;
  ParamType element_type = ParamType::kString;  // value_type of arrays and hashes
  std::string help;
  bool is_argument = false;  // bound from the section's argument, not from a key
  // Converts the raw text and stores it into the struct; false (with a diagnostic) on error.
  std::function<bool(void* obj, const Param& raw, const ParamSpec& self, BindContext& ctx)> assign;
};

enum class SectionKind { kFixed, kPlugin, kFreeForm };

struct SubsectionSpec {
  std::string name;
  SectionKind kind = SectionKind::kFixed;
  bool multi = false;
  bool required = false;
  bool needs_argument = false;
  PluginKind plugin_kind = PluginKind::kParser;  // kPlugin only
  std::string default_type;                      // kPlugin: @type when the section has none
  std::function<const SectionSpec&()> spec;      // kFixed only (lazy: sections may recurse)
  std::string help;
  // Binds one element of this name into the owner (appends for multi sections).
  std::function<bool(void* obj, const Element& e, const SubsectionSpec& self, BindContext& ctx)>
      assign;
};

struct SectionSpec {
  std::vector<ParamSpec> params;
  std::vector<SubsectionSpec> sections;
  std::function<std::shared_ptr<void>()> create;  // a default-constructed struct
  std::vector<std::function<void(const void* obj, const Element& e, BindContext& ctx)>> validators;

  const ParamSpec* find_param(std::string_view name) const;  // by name or alias, not the argument
  const ParamSpec* argument() const;
  const SubsectionSpec* find_section(std::string_view name) const;
};

// Binds element `e` into `obj` according to `spec`: every declared param and section, with the
// Fluentd error texts, marking what it reads as used and warning on what nothing reads.
bool bind_section(const SectionSpec& spec, void* obj, const Element& e, BindContext& ctx);

// Formats a message with Fluentd's ", in section a > b" suffix when inside a nested section.
std::string in_section(const BindContext& ctx, std::string message);

namespace detail {

template <class M> struct ValueTraits;  // ParamType and conversion for each member type

template <> struct ValueTraits<std::string> {
  static constexpr ParamType type = ParamType::kString;
  static std::optional<std::string> convert(std::string_view v, bool, ConvertError*) {
    return std::string(v);
  }
  static std::string show(const std::string& v) { return v; }
};
template <> struct ValueTraits<int64_t> {
  static constexpr ParamType type = ParamType::kInteger;
  static auto convert(std::string_view v, bool s, ConvertError* e) { return to_integer(v, s, e); }
  static std::string show(int64_t v) { return std::to_string(v); }
};
template <> struct ValueTraits<int> {
  static constexpr ParamType type = ParamType::kInteger;
  static std::optional<int> convert(std::string_view v, bool s, ConvertError* e) {
    auto r = to_integer(v, s, e);
    if (!r) return std::nullopt;
    return static_cast<int>(*r);
  }
  static std::string show(int v) { return std::to_string(v); }
};
template <> struct ValueTraits<double> {
  static constexpr ParamType type = ParamType::kFloat;
  static auto convert(std::string_view v, bool s, ConvertError* e) { return to_float(v, s, e); }
  static std::string show(double v);
};
template <> struct ValueTraits<bool> {
  static constexpr ParamType type = ParamType::kBool;
  static auto convert(std::string_view v, bool s, ConvertError* e) { return to_bool(v, s, e); }
  static std::string show(bool v) { return v ? "true" : "false"; }
};
template <> struct ValueTraits<ByteSize> {
  static constexpr ParamType type = ParamType::kSize;
  static auto convert(std::string_view v, bool s, ConvertError* e) { return to_size(v, s, e); }
  static std::string show(ByteSize v) { return std::to_string(v.bytes); }
};
template <> struct ValueTraits<Duration> {
  static constexpr ParamType type = ParamType::kTime;
  static auto convert(std::string_view v, bool s, ConvertError* e) { return to_duration(v, s, e); }
  static std::string show(Duration v);
};
template <> struct ValueTraits<ArrayValue> {
  static constexpr ParamType type = ParamType::kArray;
  static auto convert(std::string_view v, bool, ConvertError* e) { return to_array(v, e); }
  static std::string show(const ArrayValue& v);
};
template <> struct ValueTraits<HashValue> {
  static constexpr ParamType type = ParamType::kHash;
  static auto convert(std::string_view v, bool, ConvertError* e) { return to_hash(v, e); }
  static std::string show(const HashValue& v);
};
template <> struct ValueTraits<RegexpValue> {
  static constexpr ParamType type = ParamType::kRegexp;
  static auto convert(std::string_view v, bool, ConvertError* e) { return to_regexp(v, e); }
  static std::string show(const RegexpValue& v) { return v.source; }
};

template <class M> struct Unwrap {
  using type = M;
  static constexpr bool optional = false;
};
template <class M> struct Unwrap<std::optional<M>> {
  using type = M;
  static constexpr bool optional = true;
};

template <class M> struct SectionMember {
  using type = M;
  static constexpr bool multi = false;
  static constexpr bool optional = false;
};
template <class M> struct SectionMember<std::optional<M>> {
  using type = M;
  static constexpr bool multi = false;
  static constexpr bool optional = true;
};
template <class M> struct SectionMember<std::vector<M>> {
  using type = M;
  static constexpr bool multi = true;
  static constexpr bool optional = true;
};

bool report_convert_error(const Param& raw, const ParamSpec& self, BindContext& ctx,
                          const ConvertError& err);
bool check_enum(const std::string& value, const Param& raw, const ParamSpec& self,
                BindContext& ctx);
bool report_nil(const Param& raw, const ParamSpec& self, BindContext& ctx);

}  // namespace detail

template <class T> const SectionSpec& schema_of();

template <class T>
class Schema {
 public:
  explicit Schema(SectionSpec& spec) : spec_(spec) {}

  class ParamBuilder {
   public:
    ParamBuilder(SectionSpec& s, size_t i) : s_(s), i_(i) {}
    ParamBuilder& required() {
      p().required = true;
      p().default_text.reset();
      return *this;
    }
    ParamBuilder& secret() { return p().secret = true, *this; }
    ParamBuilder& alias(std::string name) { return p().aliases.push_back(std::move(name)), *this; }
    ParamBuilder& deprecated(std::string msg) { return p().deprecated = std::move(msg), *this; }
    ParamBuilder& obsoleted(std::string msg) { return p().obsoleted = std::move(msg), *this; }
    // Makes a string parameter an enum: only these values (case-sensitive) are accepted.
    ParamBuilder& one_of(std::vector<std::string> values) {
      p().type = ParamType::kEnum;
      p().enum_values = std::move(values);
      return *this;
    }
    ParamBuilder& help(std::string text) { return p().help = std::move(text), *this; }
    // The default as Fluentd shows it when it differs from the member's formatted value.
    ParamBuilder& default_text(std::string text) { return p().default_text = std::move(text), *this; }
    ParamBuilder& element_type(ParamType t) { return p().element_type = t, *this; }

   private:
    ParamSpec& p() { return s_.params[i_]; }
    SectionSpec& s_;
    size_t i_;
  };

  class SectionBuilder {
   public:
    SectionBuilder(SectionSpec& s, size_t i) : s_(s), i_(i) {}
    SectionBuilder& required() { return sec().required = true, *this; }
    SectionBuilder& needs_argument() { return sec().needs_argument = true, *this; }
    SectionBuilder& default_type(std::string t) { return sec().default_type = std::move(t), *this; }
    SectionBuilder& help(std::string text) { return sec().help = std::move(text), *this; }

   private:
    SubsectionSpec& sec() { return s_.sections[i_]; }
    SectionSpec& s_;
    size_t i_;
  };

  // A scalar parameter; the member's C++ type gives its Fluentd type.
  template <class M>
  ParamBuilder param(std::string name, M T::*member) {
    using U = detail::Unwrap<M>;
    using V = typename U::type;
    using Traits = detail::ValueTraits<V>;
    ParamSpec ps;
    ps.name = std::move(name);
    ps.type = Traits::type;
    T defaults{};
    if constexpr (U::optional) {
      if ((defaults.*member).has_value()) ps.default_text = Traits::show(*(defaults.*member));
    } else {
      ps.default_text = Traits::show(defaults.*member);
    }
    ps.assign = [member](void* obj, const Param& raw, const ParamSpec& self, BindContext& ctx) {
      T& t = *static_cast<T*>(obj);
      ConvertError err;
      auto v = Traits::convert(raw.value, ctx.strict, &err);
      if (!v) {
        if (!err.message.empty()) return detail::report_convert_error(raw, self, ctx, err);
        // Lenient bool: an unknown word becomes nil, an error only where the default is not nil.
        if constexpr (U::optional) {
          (t.*member).reset();
          return true;
        } else {
          return detail::report_nil(raw, self, ctx);
        }
      }
      if constexpr (std::is_same_v<V, std::string>) {
        if (self.type == ParamType::kEnum && !detail::check_enum(*v, raw, self, ctx)) return false;
      }
      t.*member = std::move(*v);
      return true;
    };
    spec_.params.push_back(std::move(ps));
    return ParamBuilder(spec_, spec_.params.size() - 1);
  }

  // A nested section with a fixed schema: member is X, std::optional<X> or std::vector<X>, where X
  // has its own static describe(Schema<X>&).
  template <class M>
  SectionBuilder section(std::string name, M T::*member) {
    using SM = detail::SectionMember<M>;
    using X = typename SM::type;
    SubsectionSpec ss;
    ss.name = std::move(name);
    ss.kind = SectionKind::kFixed;
    ss.multi = SM::multi;
    ss.spec = []() -> const SectionSpec& { return schema_of<X>(); };
    ss.assign = [member](void* obj, const Element& e, const SubsectionSpec&, BindContext& ctx) {
      T& t = *static_cast<T*>(obj);
      X value{};
      bool ok = bind_section(schema_of<X>(), &value, e, ctx);
      if constexpr (SM::multi) {
        (t.*member).push_back(std::move(value));
      } else {
        t.*member = std::move(value);
      }
      return ok;
    };
    spec_.sections.push_back(std::move(ss));
    return SectionBuilder(spec_, spec_.sections.size() - 1);
  }

  // A nested plugin section (<parse>, <format>, <buffer>, <store>, <secondary>): member is
  // PluginSection or std::vector<PluginSection>.
  template <class M>
  SectionBuilder plugin_section(std::string name, M T::*member, PluginKind kind) {
    constexpr bool multi = std::is_same_v<M, std::vector<PluginSection>>;
    static_assert(multi || std::is_same_v<M, PluginSection>);
    SubsectionSpec ss;
    ss.name = std::move(name);
    ss.kind = SectionKind::kPlugin;
    ss.multi = multi;
    ss.plugin_kind = kind;
    ss.assign = [member](void* obj, const Element& e, const SubsectionSpec& self, BindContext&) {
      T& t = *static_cast<T*>(obj);
      PluginSection ps{&e, e.type()};
      if (ps.type.empty()) ps.type = self.default_type;
      if constexpr (multi) {
        (t.*member).push_back(ps);
      } else {
        t.*member = ps;
      }
      return true;
    };
    spec_.sections.push_back(std::move(ss));
    return SectionBuilder(spec_, spec_.sections.size() - 1);
  }

  // A section whose keys are free-form (record_transformer's <record>): member is
  // FreeFormSection, or std::vector<FreeFormSection> when the section may be written several times.
  template <class M>
  SectionBuilder free_form_section(std::string name, M T::*member) {
    constexpr bool multi = std::is_same_v<M, std::vector<FreeFormSection>>;
    static_assert(multi || std::is_same_v<M, FreeFormSection>);
    SubsectionSpec ss;
    ss.name = std::move(name);
    ss.kind = SectionKind::kFreeForm;
    ss.multi = multi;
    ss.assign = [member](void* obj, const Element& e, const SubsectionSpec&, BindContext&) {
      T& t = *static_cast<T*>(obj);
      FreeFormSection f;
      f.element = &e;
      for (const auto& p : e.params) {
        p.used = true;
        f.entries.emplace_back(p.key, p.value);
      }
      if constexpr (multi) {
        (t.*member).push_back(std::move(f));
      } else {
        t.*member = std::move(f);
      }
      return true;
    };
    spec_.sections.push_back(std::move(ss));
    return SectionBuilder(spec_, spec_.sections.size() - 1);
  }

  // The section's own argument (`<buffer tag,time>`), converted like a parameter.
  template <class M>
  ParamBuilder argument(std::string name, M T::*member) {
    ParamBuilder b = param(std::move(name), member);
    spec_.params.back().is_argument = true;
    return b;
  }

  // A check beyond single values (e.g. "at least one <server>"), run after binding.
  void validate(std::function<void(const T&, const Element&, BindContext&)> check) {
    spec_.validators.push_back([check](const void* obj, const Element& e, BindContext& ctx) {
      check(*static_cast<const T*>(obj), e, ctx);
    });
  }

 private:
  SectionSpec& spec_;
};

template <class T>
const SectionSpec& schema_of() {
  static const SectionSpec spec = [] {
    SectionSpec s;
    s.create = [] { return std::static_pointer_cast<void>(std::make_shared<T>()); };
    Schema<T> schema(s);
    T::describe(schema);
    return s;
  }();
  return spec;
}

// Binds `e` into a T (T has describe()); diagnostics go to ctx.
template <class T>
bool bind(const Element& e, T& out, BindContext& ctx) {
  return bind_section(schema_of<T>(), &out, e, ctx);
}

}  // namespace shipper::config
