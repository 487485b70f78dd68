#include "config/text_scanner.hpp"

#include "core/utf8.hpp"

#include <algorithm>
#include <string>

#include "config/json_literal.hpp"

namespace shipper::config {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

ConfigScanner::ConfigScanner(std::string_view text, std::string file, TextParseContext& ctx)
    : s_(text), file_(std::move(file)), ctx_(ctx) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < s_.size(); ++i)
    if (s_[i] == '\n') line_starts_.push_back(i + 1);
}

Location ConfigScanner::loc(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());
  size_t col = offset - line_starts_[line - 1] + 1;
  return Location{file_, static_cast<int>(line), static_cast<int>(col)};
}

void ConfigScanner::fail(size_t offset, std::string code, std::string message, std::string hint) {
  ctx_.diags.error(loc(offset), std::move(code), std::move(message), std::move(hint));
  throw ParseAbort{};
}

// Fluentd reads the file as UTF-8 and its scanner stops on a broken byte sequence.
void ConfigScanner::check_utf8() {
  size_t bad = first_invalid_utf8(s_);
  if (bad != std::string_view::npos)
    fail(bad, "invalid-utf8", "invalid UTF-8 byte sequence",
         "the configuration must be UTF-8 text; is this the right file?");
}

// SPACING: whitespace and comments ('#' to the end of the line).
void ConfigScanner::spacing() {
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
bool ConfigScanner::spacing_without_comment() {
  bool newline = false;
  while (!eof() && space_char(s_[pos_])) newline |= s_[pos_++] == '\n';
  return newline;
}

// Does LINE_END match at p? Returns the end of the match, or npos.
size_t ConfigScanner::line_end_at(size_t p) const {
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

bool ConfigScanner::line_end() {
  size_t e = line_end_at(pos_);
  if (e == std::string_view::npos) return false;
  pos_ = e;
  return true;
}

// The boundary of a section argument: optional spacing (comments too), then '>'.
bool ConfigScanner::arg_boundary_at(size_t p) const {
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

bool ConfigScanner::at_boundary(size_t p, Boundary b) const {
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
std::string ConfigScanner::scan_nonquoted(Boundary b) {
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

ConfigScanner::Scanned ConfigScanner::scan_string(Boundary b) {
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

void ConfigScanner::scan_double_quoted(Scanned& r) {
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

std::string ConfigScanner::scan_single_quoted() {
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

RubyResult ConfigScanner::eval_code(std::string_view code, size_t code_offset,
                                    size_t string_offset) {
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

ConfigScanner::Scanned ConfigScanner::scan_json() {
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

ConfigScanner::Scanned ConfigScanner::parse_literal() {
  spacing_without_comment();
  if (at(pos_) == '[' || at(pos_) == '{') return scan_json();
  return scan_string(Boundary::kLineEnd);
}

std::string ConfigScanner::scan_name() {
  size_t b = pos_;
  while (!eof() && is_name_char(s_[pos_])) ++pos_;
  return std::string(s_.substr(b, pos_ - b));
}

}  // namespace shipper::config
