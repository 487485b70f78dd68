#pragma once
// The v1 text format parser (fluent.conf), a faithful port of Fluentd's scanner rules, with
// every element, key and value located by file:line:column.
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/element.hpp"
#include "config/embedded_ruby.hpp"

namespace shipper::config {

// State shared by a file and everything it includes.
struct TextParseContext {
  Diagnostics& diags;
  RubyEnv env;
  std::vector<std::string> include_stack;   // canonical paths of the files being parsed
  std::vector<std::string> included_files;  // every file pulled in by @include, in order
};

// Parses `text` into `root` (its params and children are appended, as Fluentd's parser does when
// it splices an included file). Returns false when a syntax error stopped the parse; the error is
// in ctx.diags. `file` names the text in locations; relative includes resolve against base_dir.
bool parse_v1_text(std::string_view text, const std::string& file, const std::string& base_dir,
                   TextParseContext& ctx, Element& root);

}  // namespace shipper::config
