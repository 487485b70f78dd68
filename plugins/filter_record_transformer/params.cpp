#include "plugins/filter_record_transformer/params.hpp"

#include "core/record_accessor.hpp"
#include "plugins/filter_record_transformer/program.hpp"

namespace shipper::filter_record_transformer {

void Params::describe(config::Schema<Params>& s) {
  s.free_form_section("record", &Params::records)
      .help("KEY VALUE pairs added to (or overwriting in) each record; values may use ${...}");
  s.param("remove_keys", &Params::remove_keys).help("record accessor paths deleted at the end");
  s.param("keep_keys", &Params::keep_keys).help("with renew_record: top-level keys copied over");
  s.param("renew_record", &Params::renew_record).help("start from an empty record");
  s.param("renew_time_key", &Params::renew_time_key)
      .help("field of the resulting record whose value (unix time) becomes the event time");
  s.param("enable_ruby", &Params::enable_ruby)
      .help("${...} holds an expression (a documented subset of Ruby)");
  s.param("auto_typecast", &Params::auto_typecast)
      .help("a value that is exactly one ${...} keeps the type of what it refers to");
  s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
    if (p.keep_keys && !p.renew_record && ctx.diags) {
      const config::Param* raw = e.find("keep_keys");
      ctx.diags->error(raw ? raw->key_loc : e.loc, "config-error",
                       "`renew_record` must be true to use `keep_keys`",
                       "add `renew_record true`, or use remove_keys instead");
    }
    if (p.remove_keys) {
      for (const auto& k : *p.remove_keys) {
        auto a = RecordAccessor::parse(k);
        if (!a && ctx.diags) {
          const config::Param* raw = e.find("remove_keys");
          ctx.diags->error(raw ? raw->value_loc : e.loc, "config-error", a.status().message(),
                           "see the record accessor syntax: key, $.a.b, $['a.b'][0]");
        }
      }
    }
    // Compiling the <record> values reports unsupported Ruby and invalid JSON here, so the
    // linter shows them with their file:line:col.
    Program::compile(p.records, {p.enable_ruby, p.auto_typecast}, ctx.diags);
  });
}

}  // namespace shipper::filter_record_transformer
