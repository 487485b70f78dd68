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

#include "config/json_literal.hpp"

namespace shipper::config {

namespace {

// Sections nested deeper than this are refused (no real config comes near it).
constexpr int kMaxSectionDepth = 200;
// Files including each other deeper than this are refused.
constexpr size_t kMaxIncludeDepth = 32;

struct ParseAbort {};

// Offset of the first byte that is not part of a well-formed UTF-8 sequence, or npos.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0)
      n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      n = 3, cp = c & 0x07;
    else
      return i;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
      return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

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

class TextParser {
 public:
  TextParser(std::string_view text, std::string file, std::string base_dir, TextParseContext& ctx)
      : s_(text), file_(std::move(file)), base_dir_(std::move(base_dir)), ctx_(ctx) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < s_.size(); ++i)
      if (s_[i] == '\n') line_starts_.push_back(i + 1);
  }

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
  // --- positions and errors ---------------------------------------------------------------
  Location loc(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line = static_cast<size_t>(it - line_starts_.begin());
    size_t col = offset - line_starts_[line - 1] + 1;
    return Location{file_, static_cast<int>(line), static_cast<int>(col)};
  }
  [[noreturn]] void fail(size_t offset, std::string code, std::string message, std::string hint) {
    ctx_.diags.error(loc(offset), std::move(code), std::move(message), std::move(hint));
    throw ParseAbort{};
  }

  // --- scanner primitives (Fluentd's regexes, by hand) ------------------------------------
  bool eof() const { return pos_ >= s_.size(); }
  char at(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  static bool space_char(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  size_t skip_blanks(size_t p) const {
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p;
  }
  // Fluentd reads the file as UTF-8 and its scanner stops on a broken byte sequence.
  void check_utf8() {
    size_t bad = first_invalid_utf8(s_);
    if (bad != std::string_view::npos)
      fail(bad, "invalid-utf8", "invalid UTF-8 byte sequence",
           "the configuration must be UTF-8 text; is this the right file?");
  }

  // SPACING: whitespace and comments ('#' to the end of the line).
  void spacing() {
    while (!eof()) {
      char c = s_[pos_];
      if (space_char(c)) {
        ++pos_;
      } else if (c == '#') {
        while (!eof() && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
        if (!eof()) ++pos_;
      } else {
        break;
      }
    }
  }
  // SPACING_WITHOUT_COMMENT; returns whether it crossed a line feed.
  bool spacing_without_comment() {
    bool newline = false;
    while (!eof() && space_char(s_[pos_])) newline |= s_[pos_++] == '\n';
    return newline;
  }
  // Does LINE_END match at p? Returns the end of the match, or npos.
  size_t line_end_at(size_t p) const {
    bool matched = false;
    while (true) {
      size_t q = p;
      while (q < s_.size() && (s_[q] == ' ' || s_[q] == '\t')) ++q;
      if (q < s_.size() && s_[q] == '#')
        while (q < s_.size() && s_[q] != '\n') ++q;
      if (q >= s_.size()) return q;
      if (s_[q] == '\r' || s_[q] == '\n') {
        p = q + 1;
        matched = true;
        continue;
      }
      return matched ? p : std::string_view::npos;
    }
  }
  bool line_end() {
    size_t e = line_end_at(pos_);
    if (e == std::string_view::npos) return false;
    pos_ = e;
    return true;
  }
  // The boundary of a section argument: optional spacing (comments too), then '>'.
  bool arg_boundary_at(size_t p) const {
    while (p < s_.size()) {
      char c = s_[p];
      if (space_char(c)) {
        ++p;
      } else if (c == '#') {
        while (p < s_.size() && s_[p] != '\r' && s_[p] != '\n') ++p;
        if (p < s_.size()) ++p;
      } else {
        return c == '>';
      }
    }
    return false;
  }

  enum class Boundary { kLineEnd, kSpacing, kArg };
  bool at_boundary(size_t p, Boundary b) const {
    if (p >= s_.size()) return true;
    switch (b) {
      case Boundary::kLineEnd:
        return line_end_at(p) != std::string_view::npos;
      case Boundary::kSpacing:
        return space_char(s_[p]);
      case Boundary::kArg:
        return arg_boundary_at(p);
    }
    return true;
  }
  // scan_nonquoted_string: '#' is always taken, any other char up to the boundary or a newline.
  std::string scan_nonquoted(Boundary b) {
    size_t start = pos_;
    while (!eof()) {
      char c = s_[pos_];
      if (c == '#') {
        ++pos_;
      } else if ((c == ' ' || c == '\t') && b != Boundary::kSpacing) {
        // Every position in a run of blanks reaches the same next character, so the boundary
        // test gives the same answer for all of them: test once, take the run whole.
        if (at_boundary(pos_, b)) break;
        while (!eof() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
      } else if (c != '\n' && !at_boundary(pos_, b)) {
        ++pos_;
      } else {
        break;
      }
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  struct Scanned {
    std::string text;
    ValueForm form = ValueForm::kUnquoted;
    bool is_nil = false;
    bool use_default = false;
  };

  Scanned scan_string(Boundary b) {
    Scanned r;
    if (at(pos_) == '"') {
      r.form = ValueForm::kDoubleQuoted;
      scan_double_quoted(r);
    } else if (at(pos_) == '\'') {
      r.form = ValueForm::kSingleQuoted;
      r.text = scan_single_quoted();
    } else {
      r.text = scan_nonquoted(b);
    }
    return r;
  }

  void scan_double_quoted(Scanned& r) {
    const size_t open = pos_++;
    std::string out;
    bool any_nil = false, any_default = false;
    while (true) {
      char c = at(pos_);
      if (!eof() && c == '"') {
        ++pos_;
        break;
      }
      // A character followed by a line break: both are kept, unless the character is a
      // backslash (line continuation, both dropped). A line break reached any other way ends
      // the scan with an error, which is what Fluentd does too.
      if (!eof() && (pos_ + 1 >= s_.size() || s_[pos_ + 1] == '\r' || s_[pos_ + 1] == '\n')) {
        size_t len = pos_ + 1 < s_.size() ? 2 : 1;
        if (c != '\\') out.append(s_.substr(pos_, len));
        pos_ += len;
        continue;
      }
      if (c == '\\' && !eof()) {
        char e = s_[pos_ + 1];
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\'':
            out += '\'';
            break;
          case 'r':
            out += '\r';
            break;
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'f':
            out += '\f';
            break;
          case 'b':
            out += '\b';
            break;
          case '0':
            out += '\0';
            break;
          default:
            if (is_name_char(e) && e != '_')
              fail(pos_, "bad-escape",
                   std::string("unexpected back-slash escape character '") + e + "'",
                   "valid escapes are \\\" \\' \\\\ \\n \\r \\t \\f \\b \\0 and a "
                   "backslash before a symbol; write \\\\ for a literal backslash");
            out += e;
        }
        pos_ += 2;
        continue;
      }
      if (c == '#' && at(pos_ + 1) == '{') {
        size_t code_start = pos_ + 2;
        auto len = embedded_code_length(s_.substr(code_start));
        if (!len)
          fail(pos_, "unterminated-embedded-code", "expected end of embedded code but $end",
               "close the \"#{...}\" with '}'");
        RubyResult res = eval_code(s_.substr(code_start, *len), code_start, open);
        any_nil |= res.use_nil;
        any_default |= res.use_default;
        out += res.text;
        pos_ = code_start + *len + 1;
        continue;
      }
      if (!eof() && c != '\n') {
        out += c;
        ++pos_;
        continue;
      }
      if (eof())
        fail(open, "unterminated-string", "unexpected end of file in a double quoted string",
             "the string that starts here is never closed; add the closing '\"'");
      fail(pos_, "unterminated-string", "unexpected end of file in a double quoted string",
           "Fluentd cannot continue a double-quoted string over this line break (after an empty "
           "line, a CRLF line ending, the opening quote or an escape); write \\n instead");
    }
    r.text = std::move(out);
    if (any_nil) {
      r.is_nil = true;
      r.text.clear();
    } else if (any_default) {
      r.use_default = true;
      r.text.clear();
    }
  }

  std::string scan_single_quoted() {
    const size_t open = pos_++;
    std::string out;
    while (true) {
      char c = at(pos_);
      if (eof() || c == '\n')
        fail(open, "unterminated-string", "unexpected end of file in a single quoted string",
             "single-quoted strings end on the same line; close it with ' or use double quotes "
             "for a multi-line value");
      if (c == '\'') {
        ++pos_;
        return out;
      }
      if (c == '\\' && (at(pos_ + 1) == '\'' || at(pos_ + 1) == '\\')) {
        out += s_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      out += c;
      ++pos_;
    }
  }

  RubyResult eval_code(std::string_view code, size_t code_offset, size_t string_offset) {
    RubyResult res = eval_embedded_ruby(code, ctx_.env);
    for (const auto& p : res.problems) {
      Location l = loc(p.is_error ? code_offset + p.offset : string_offset);
      if (p.is_error)
        ctx_.diags.error(l, p.code, p.message, p.hint);
      else
        ctx_.diags.warning(l, p.code, p.message, p.hint);
    }
    return res;
  }

  Scanned scan_json() {
    const size_t open = pos_;
    const bool is_array = s_[pos_] == '[';
    JsonEmbedFn embed = [this, open](std::string_view code, size_t code_offset) {
      return eval_code(code, open + code_offset, open).text;
    };
    JsonScan js = scan_json_literal(s_.substr(pos_), embed);
    std::string kind = is_array ? "array" : "hash";
    if (!js.complete) {
      Location where = loc(open + js.error_offset);
      fail(open, "incomplete-json", "got incomplete JSON " + kind + " configuration",
           "a value starting with '" + std::string(1, s_[open]) + "' must be complete JSON (" +
               js.error + " at line " + std::to_string(where.line) + ", column " +
               std::to_string(where.column) + "); quote the value if it is not JSON");
    }
    Scanned r;
    r.form = ValueForm::kJson;
    std::string err;
    if (!json_compact(js.text, &r.text, &err))
      fail(open, "incomplete-json", "got incomplete JSON " + kind + " configuration",
           "invalid JSON: " + err + "; quote the value if it is not JSON");
    pos_ += js.end;
    return r;
  }

  Scanned parse_literal() {
    spacing_without_comment();
    if (at(pos_) == '[' || at(pos_) == '{') return scan_json();
    return scan_string(Boundary::kLineEnd);
  }

  // --- grammar ----------------------------------------------------------------------------
  std::string scan_name() {
    size_t b = pos_;
    while (!eof() && is_name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }

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

  std::string_view s_;
  std::string file_;
  std::string base_dir_;
  TextParseContext& ctx_;
  std::vector<size_t> line_starts_;
  size_t pos_ = 0;
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
