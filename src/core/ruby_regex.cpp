#include "core/ruby_regex.hpp"

#include <algorithm>

namespace shipper {

std::string ruby_to_re2_pattern(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  bool in_class = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      ++i;
      if (n == 'h') {
        out += in_class ? "0-9a-fA-F" : "[0-9a-fA-F]";
      } else if (n == 'H') {
        out += in_class ? "\\x00-\\x2f\\x3a-\\x40\\x47-\\x60\\x67-\\xff" : "[^0-9a-fA-F]";
      } else if (n == 'Z' && !in_class) {
        out += "(?:\\n?\\z)";
      } else if (n == 'k' && i + 1 < s.size() && s[i + 1] == '<') {
        out += "\\k";  // backreference: RE2 rejects it with a clear error
      } else {
        out += '\\';
        out += n;
      }
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < s.size() && s[i + 1] == '^') out += s[++i];
      if (i + 1 < s.size() && s[i + 1] == ']') out += s[++i];  // literal ] first in a class
      continue;
    }
    if (c == '(' && i + 2 < s.size() && s[i + 1] == '?' && s[i + 2] == '<' && i + 3 < s.size() &&
        s[i + 3] != '=' && s[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

RubyRegex::RubyRegex(std::string_view ruby_pattern, RubyRegexOptions options) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_encoding(options.utf8 ? RE2::Options::EncodingUTF8 : RE2::Options::EncodingLatin1);
  o.set_case_sensitive(!options.ignore_case);
  o.set_dot_nl(options.multiline);
  o.set_never_nl(false);
  // Ruby's ^ and $ always match at line boundaries.
  std::string pattern = "(?m)" + ruby_to_re2_pattern(ruby_pattern);
  re_ = std::make_shared<RE2>(pattern, o);
  if (re_->ok()) {
    for (const auto& [name, index] : re_->NamedCapturingGroups()) names_.emplace_back(name, index);
    std::sort(names_.begin(), names_.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
  }
}

bool RubyRegex::search(std::string_view text) const {
  return re_ && re_->Match(text, 0, text.size(), RE2::UNANCHORED, nullptr, 0);
}

bool RubyRegex::match(std::string_view text, std::vector<re2::StringPiece>& groups) const {
  int n = group_count() + 1;
  groups.resize(n);
  return re_->Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), n);
}

}  // namespace shipper
