#include "config/text_parser.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/text_scanner.hpp"

namespace shipper::config {

namespace {

// Sections nested deeper than this are refused (no real config comes near it).
constexpr int kMaxSectionDepth = 200;
// Files including each other deeper than this are refused.
constexpr size_t kMaxIncludeDepth = 32;

// Sections where an unknown '@' parameter is an error rather than a warning (Fluentd's list).
bool is_directive(const std::string* elem_name) {
  if (!elem_name) return true;  // the root, or an included file
  return *elem_name == "match" || *elem_name == "source" || *elem_name == "filter" ||
         *elem_name == "system";
}

bool is_reserved_param(std::string_view k) {
  return k == "@type" || k == "@id" || k == "@label" || k == "@log_level";
}

std::string dirname_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The grammar of fluent.conf (v1): sections, parameters and @include, over the scanner's
// primitives.
class TextParser : private ConfigScanner {
 public:
  TextParser(std::string_view text, std::string file, std::string base_dir, TextParseContext& ctx)
      : ConfigScanner(text, std::move(file), ctx), base_dir_(std::move(base_dir)) {}

  // Fluentd's parse!: the root body, then nothing but spacing may follow.
  void parse_file(Element& root) {
    check_utf8();
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") {
      ctx_.diags.warning(
          loc(0), "utf8-bom", "the file starts with a UTF-8 byte order mark; shipper skips it",
          "Fluentd does not skip it and fails to parse this file; save it without a BOM");
      pos_ = 3;
    }
    parse_element(true, nullptr, root, 0);
    spacing();
    if (!eof())
      fail(pos_, "expected-eof", "expected EOF",
           "a stray '</>' ended the configuration early; remove it");
  }

  // Used for included files: splice into `target` as Fluentd does (parse_element(true, nil)).
  void parse_included(Element& target, int depth) {
    check_utf8();
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    parse_element(true, nullptr, target, depth);
  }

 private:
  // --- grammar ----------------------------------------------------------------------------

  void parse_element(bool root_element, const std::string* elem_name, Element& target, int depth) {
    while (true) {
      spacing();
      if (eof()) {
        if (root_element) return;
        fail(target_open_, "missing-end-tag",
             "expected end tag '</" + *elem_name + ">' but got end of file",
             "the <" + *elem_name + "> opened here is never closed; add '</" + *elem_name + ">'");
      }
      const size_t start = pos_;
      if (s_.substr(pos_, 2) == "</") {
        pos_ += 2;
        std::string name = scan_name();
        spacing();
        if (at(pos_) != '>' || eof())
          fail(pos_, "bad-end-tag", "expected character in tag name",
               "an end tag is '</NAME>' where NAME has only letters, digits and '_'");
        ++pos_;
        if (!line_end())
          fail(skip_blanks(pos_), "trailing-text-after-end-tag",
               "expected end of line after end tag",
               "put what follows '</" + name + ">' on its own line");
        bool matches = elem_name ? name == *elem_name : name.empty();
        if (!matches) {
          std::string hint = elem_name ? "the open section is <" + *elem_name + ">, closed by '</" +
                                             *elem_name + ">'"
                                       : "nothing is open here; remove '</" + name + ">'";
          fail(start, "unmatched-end-tag", "unmatched end tag", hint);
        }
        return;
      }
      if (s_[pos_] == '<') {
        ++pos_;
        Element child;
        child.loc = loc(start);
        child.name = scan_name();
        if (child.name.empty())
          fail(pos_, "missing-section-name", "expected a section name after '<'",
               "section names have only letters, digits and '_', e.g. <source>");
        bool glued = !eof() && !space_char(s_[pos_]) && s_[pos_] != '>';
        spacing();
        child.arg_loc = loc(pos_);
        if (at(pos_) == '"' || at(pos_) == '\'') {
          Scanned a = scan_string(Boundary::kArg);
          child.arg = a.text;
        } else {
          child.arg = scan_nonquoted(Boundary::kArg);
        }
        if (glued && !child.arg.empty())
          ctx_.diags.warning(child.loc, "suspicious-section-name",
                             "section <" + child.name + "> takes '" + child.arg +
                                 "' as its argument: section names cannot contain '" +
                                 std::string(1, child.arg[0]) + "'",
                             "section names have only letters, digits and '_'; put a space before "
                             "the argument if one is meant");
        spacing();
        if (at(pos_) != '>' || eof())
          fail(pos_, "missing-tag-close", "expected '>'",
               "close the tag: <" + child.name + (child.arg.empty() ? "" : " " + child.arg) + ">");
        ++pos_;
        if (!line_end())
          fail(skip_blanks(pos_), "trailing-text-after-tag", "expected end of line after tag",
               "start a new line after '<" + child.name +
                   (child.arg.empty() ? "" : " " + child.arg) +
                   ">': parameters go on their own lines");
        if (depth + 1 > kMaxSectionDepth)
          fail(start, "nesting-too-deep",
               "sections are nested more than " + std::to_string(kMaxSectionDepth) + " levels deep",
               "check for missing end tags");
        size_t saved_open = target_open_;
        target_open_ = start;
        parse_element(false, &child.name, child, depth + 1);
        target_open_ = saved_open;
        target.children.push_back(std::move(child));
        continue;
      }
      if (root_element && (starts_word("@include") || starts_word("include"))) {
        bool bare = s_[pos_] != '@';
        if (bare)
          ctx_.diags.warning(loc(start), "deprecated-include",
                             "'include' is deprecated. Use '@include' instead", "write '@include'");
        pos_ += bare ? 7 : 8;
        spacing();
        parse_include(start, target, depth);
        continue;
      }
      // A parameter line.
      Param p;
      p.key_loc = loc(start);
      Scanned key = scan_string(Boundary::kSpacing);
      p.key = key.text;
      bool newline = spacing_without_comment();
      if (newline || eof()) {
        p.value_loc = p.key_loc;
        p.form = ValueForm::kNone;
        target.set(std::move(p));
        continue;
      }
      if (p.key == "@include") {
        parse_include(start, target, depth);
        continue;
      }
      if (!is_reserved_param(p.key) && !p.key.empty() && p.key[0] == '@') {
        if (root_element || is_directive(elem_name))
          fail(start, "reserved-prefix",
               "'@' is the system reserved prefix. Don't use '@' prefix parameter in the "
               "configuration: " +
                   p.key,
               "only @type, @id, @label, @log_level and @include start with '@'; rename the "
               "parameter");
        ctx_.diags.warning(
            p.key_loc, "reserved-prefix-nested",
            "'@' is the system reserved prefix. It works in the nested configuration for "
            "now but it will be rejected: " +
                p.key,
            "rename the parameter without '@'");
      }
      p.value_loc = loc(pos_);
      Scanned v = parse_literal();
      if (!line_end())
        fail(skip_blanks(pos_), "trailing-text", "expected end of line",
             "a quoted or JSON value must end its line (a comment may follow after a space); quote "
             "the whole value");
      p.value = std::move(v.text);
      p.form = v.form;
      p.is_nil = v.is_nil;
      p.use_default = v.use_default;
      target.set(std::move(p));
    }
  }

  // "@include" or "include" followed by spacing.
  bool starts_word(std::string_view w) const {
    if (s_.substr(pos_, w.size()) != w) return false;
    size_t p = pos_ + w.size();
    return p >= s_.size() || space_char(s_[p]) || s_[p] == '#';
  }

  void parse_include(size_t directive, Element& target, int depth) {
    size_t path_at = pos_;
    Scanned path = scan_string(Boundary::kLineEnd);
    eval_include(directive, path_at, path.text, target, depth);
    line_end();
  }

  // Fluentd (>= 1.19.2) warns when a `*.conf` glob picks up what looks like a backup copy
  // (`x.bak.conf`, `x_old.conf`), which would load the same directives twice.
  void warn_backup_files(const Location& where, const std::string& uri,
                         const std::vector<std::string>& matches) {
    if (uri.size() < 6 || uri.compare(uri.size() - 6, 6, "*.conf") != 0) return;
    static const char* kBackup[] = {"bak",  "old", "backup", "orig",  "prev",
                                    "conf", "tmp", "temp",   "debug", "wip"};
    for (const auto& m : matches) {
      std::string base = m.substr(m.rfind('/') + 1);
      std::string stem = base.substr(0, base.size() - 5);
      for (const char* ext : kBackup) {
        std::string e = ext;
        if (stem.size() > e.size() + 1 && stem.compare(stem.size() - e.size(), e.size(), e) == 0 &&
            (stem[stem.size() - e.size() - 1] == '.' || stem[stem.size() - e.size() - 1] == '_' ||
             stem[stem.size() - e.size() - 1] == '-')) {
          ctx_.diags.warning(where, "include-backup-file",
                             "There is a possibility that '@include " + uri +
                                 "' includes duplicated backed-up config file such as " + base,
                             "move backup copies out of the included directory");
          return;
        }
      }
    }
  }

  void eval_include(size_t directive, size_t path_at, const std::string& uri, Element& target,
                    int depth) {
    const Location where = loc(directive);
    if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
      ctx_.diags.error(loc(path_at), "unsupported-include-url",
                       "@include of a URL is not supported: " + uri,
                       "download the file and include it by path");
      return;
    }
    std::string path = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
    std::string pattern = !path.empty() && path[0] == '/' ? path : base_dir_ + "/" + path;
    glob_t g{};
    int rc = glob(pattern.c_str(), GLOB_BRACE, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    std::sort(matches.begin(), matches.end());
    warn_backup_files(where, uri, matches);
    for (const auto& m : matches) {
      char real[PATH_MAX];
      std::string canonical = realpath(m.c_str(), real) ? std::string(real) : m;
      if (std::find(ctx_.include_stack.begin(), ctx_.include_stack.end(), canonical) !=
          ctx_.include_stack.end()) {
        ctx_.diags.error(where, "include-cycle",
                         "@include " + uri + " includes " + m + ", which is already being parsed",
                         "remove the include that loops back to " + m);
        continue;
      }
      if (ctx_.include_stack.size() >= kMaxIncludeDepth) {
        ctx_.diags.error(
            where, "include-too-deep",
            "includes are nested more than " + std::to_string(kMaxIncludeDepth) + " files deep",
            "check for include loops");
        continue;
      }
      struct stat st {};
      std::string data;
      int err = 0;
      if (stat(m.c_str(), &st) != 0)
        err = errno;
      else if (S_ISDIR(st.st_mode))
        err = EISDIR;
      else {
        std::ifstream in(m, std::ios::binary);
        if (!in)
          err = errno ? errno : EACCES;
        else {
          std::ostringstream ss;
          ss << in.rdbuf();
          data = ss.str();
        }
      }
      if (err) {
        ctx_.diags.error(where, "include-error",
                         "include error " + uri + " - " + std::strerror(err) + " @ " + m,
                         "make " + m + " a readable file, or narrow the include pattern");
        continue;
      }
      ctx_.included_files.push_back(canonical);
      ctx_.include_stack.push_back(canonical);
      TextParser sub(data, m, dirname_of(m), ctx_);
      try {
        sub.parse_included(target, depth);
      } catch (const ParseAbort&) {
        ctx_.include_stack.pop_back();
        throw;
      }
      ctx_.include_stack.pop_back();
    }
  }

  std::string base_dir_;
  size_t target_open_ = 0;  // offset of the '<' of the innermost open section
};

}  // namespace

bool parse_v1_text(std::string_view text, const std::string& file, const std::string& base_dir,
                   TextParseContext& ctx, Element& root) {
  try {
    TextParser(text, file, base_dir, ctx).parse_file(root);
    return true;
  } catch (const ParseAbort&) {
    return false;
  }
}

}  // namespace shipper::config
