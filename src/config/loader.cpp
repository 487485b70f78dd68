#include "config/loader.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/text_parser.hpp"
#include "config/yaml_loader.hpp"

namespace shipper::config {

namespace {

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// -i text: every backslash-n pair becomes a newline (Fluentd does this before parsing).
std::string expand_inline(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Element parse_text(std::string_view text, const std::string& file, const std::string& base_dir,
                   Diagnostics& diags) {
  Element root;
  root.name = "ROOT";
  root.loc = {file, 1, 1};
  TextParseContext ctx{diags, RubyEnv::from_process(), {}, {}};
  parse_v1_text(text, file, base_dir, ctx, root);
  return root;
}

LoadedConfig load_config(const LoadOptions& options) {
  LoadedConfig out;
  out.root.name = "ROOT";
  out.root.loc = {options.path, 1, 1};
  try {
    const std::string& path = options.path;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) {
      int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
      out.diags.error({path, 0, 0}, "config-not-found",
                      "cannot read the configuration file " + path + ": " + std::strerror(err),
                      "pass an existing file with -c (default: $FLUENT_CONF)");
      return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      out.diags.error({path, 0, 0}, "config-not-found",
                      "cannot read the configuration file " + path + ": " + std::strerror(errno),
                      "check the file's permissions");
      return out;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();

    bool yaml =
        options.file_type == "yaml" || options.file_type == "yml" ||
        (options.file_type == "guess" && (ends_with(path, ".yaml") || ends_with(path, ".yml")));
    if (!yaml && options.file_type != "guess" && options.file_type != "yaml" &&
        options.file_type != "yml") {
      out.diags.error({path, 0, 0}, "bad-config-file-type",
                      "unknown config file type '" + options.file_type + "'",
                      "use --config-file-type guess, yaml or yml");
      return out;
    }
    if (yaml) {
      out.root = load_yaml_config(text, path, out.diags);
      if (!options.inline_config.empty())
        out.diags.warning({"<inline>", 1, 1}, "inline-config-ignored",
                          "-i/--inline-config is ignored for YAML configurations (as in Fluentd)",
                          "put the inline configuration into the YAML file");
      return out;
    }
    if (ends_with(path, ".rb"))
      out.diags.warning(
          {path, 1, 1}, "ruby-dsl-unsupported",
          "Ruby DSL configurations are not supported; parsing it as the v1 text format",
          "convert the configuration to fluent.conf syntax");
    TextParseContext ctx{out.diags, RubyEnv::from_process(), {}, {}};
    char real[PATH_MAX];
    if (realpath(path.c_str(), real)) ctx.include_stack.emplace_back(real);
    if (!parse_v1_text(text, path, dirname_of(path), ctx, out.root)) return out;
    if (!options.inline_config.empty()) {
      // Fluentd appends the inline text to the file's text and parses both as one; parsing it
      // separately into the same root gives the same tree and keeps its own line numbers.
      parse_v1_text(expand_inline(options.inline_config), "<inline>", dirname_of(path), ctx,
                    out.root);
    }
  } catch (const std::exception& e) {
    out.diags.error({options.path, 0, 0}, "config-load-failed",
                    std::string("loading the configuration failed: ") + e.what(), "");
  }
  return out;
}

}  // namespace shipper::config
