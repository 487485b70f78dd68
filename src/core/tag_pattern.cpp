#include "core/tag_pattern.hpp"

#include <re2/re2.h>

#include <regex>

namespace shipper {

// Globs use a lookahead (`a.**` must not match `ab`), which RE2 does not have, so they compile to
// an ECMAScript std::regex. Matching happens only when a route is computed (then cached), so its
// speed does not matter. `/regex/` patterns are user regexes and use RE2.
struct TagPattern::Impl {
  std::unique_ptr<std::regex> glob;
  std::unique_ptr<RE2> re2;
};

namespace {

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A character as a literal in an ECMAScript regex.
void append_literal(std::string& out, char c) {
  static const std::string_view special = "^$\\.*+?()[]{}|/";
  if (special.find(c) != std::string_view::npos) out += '\\';
  out += c;
}

std::string join_alternatives(const std::vector<std::string>& alts) {
  std::string s = "(?:";
  for (size_t i = 0; i < alts.size(); ++i) {
    if (i) s += '|';
    s += alts[i];
  }
  s += ')';
  return s;
}

// Fluentd's GlobMatchPattern translation, piece by piece (lib/fluent/match.rb).
std::string glob_to_regex(std::string_view pat) {
  std::vector<std::vector<std::string>> stack;  // open braces: alternatives so far
  std::vector<std::string> regex{""};
  bool escape = false;
  bool dot = false;
  size_t i = 0;
  while (i < pat.size()) {
    char c = pat[i];
    if (escape) {
      append_literal(regex.back(), c);
      escape = false;
      ++i;
      continue;
    }
    if (pat.substr(i, 2) == "**") {
      if (dot) {
        regex.back() += "(?![^\\.])";  // the part before ends here: end of tag or a dot
        dot = false;
      }
      if (i + 2 < pat.size() && pat[i + 2] == '.') {
        regex.back() += "(?:.*\\.|^)";
        i += 3;
      } else {
        regex.back() += ".*";
        i += 2;
      }
      continue;
    }
    if (dot) {
      regex.back() += "\\.";
      dot = false;
    }
    if (c == '\\') {
      escape = true;
    } else if (c == '.') {
      dot = true;
    } else if (c == '*') {
      regex.back() += "[^\\.]*";
    } else if (c == '{') {
      stack.emplace_back();
      regex.emplace_back();
    } else if (c == '}' && !stack.empty()) {
      stack.back().push_back(std::move(regex.back()));
      regex.pop_back();
      regex.back() += join_alternatives(stack.back());
      stack.pop_back();
    } else if (c == ',' && !stack.empty()) {
      stack.back().push_back(std::move(regex.back()));
      regex.back().clear();
    } else if (is_word(c)) {
      regex.back() += c;
    } else {
      append_literal(regex.back(), c);
    }
    ++i;
  }
  // A '{' never closed is closed at the end of the pattern.
  while (!stack.empty()) {
    stack.back().push_back(std::move(regex.back()));
    regex.pop_back();
    regex.back() += join_alternatives(stack.back());
    stack.pop_back();
  }
  return regex.back();
}

}  // namespace

Result<TagPattern> TagPattern::compile(std::string_view pattern) {
  TagPattern p;
  p.text_ = std::string(pattern);
  if (pattern == "**") {
    p.match_all_ = true;
    p.regex_source_ = ".*";
    return p;
  }
  auto impl = std::make_shared<Impl>();
  if (!pattern.empty() && pattern.front() == '/') {
    if (pattern.size() < 2 || pattern.back() != '/')
      return error(StatusCode::kInvalidArgument, "invalid match - regex");
    p.regex_source_ = std::string(pattern.substr(1, pattern.size() - 2));
    RE2::Options options;
    options.set_log_errors(false);
    impl->re2 = std::make_unique<RE2>(p.regex_source_, options);
    if (!impl->re2->ok())
      return error(StatusCode::kInvalidArgument, "invalid match - regex: " + impl->re2->error());
  } else {
    p.regex_source_ = glob_to_regex(pattern);
    try {
      impl->glob = std::make_unique<std::regex>(p.regex_source_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return error(StatusCode::kInvalidArgument,
                   "invalid match pattern '" + p.text_ + "': " + e.what());
    }
  }
  p.impl_ = std::move(impl);
  return p;
}

bool TagPattern::match(std::string_view tag) const {
  if (match_all_) return true;
  if (!impl_) return false;
  if (impl_->re2) return RE2::FullMatch(re2::StringPiece(tag.data(), tag.size()), *impl_->re2);
  return std::regex_match(tag.begin(), tag.end(), *impl_->glob);
}

Result<MatchPattern> MatchPattern::compile(std::string_view arg) {
  MatchPattern m;
  size_t i = 0;
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (i < arg.size()) {
    while (i < arg.size() && space(arg[i])) ++i;
    size_t start = i;
    while (i < arg.size() && !space(arg[i])) ++i;
    if (i > start) {
      auto p = TagPattern::compile(arg.substr(start, i - start));
      if (!p) return p.status();
      m.patterns_.push_back(std::move(p.value()));
    }
  }
  if (m.patterns_.empty()) {
    m.patterns_.push_back(std::move(TagPattern::compile("**").value()));
    m.text_ = "**";
  } else {
    m.text_ = std::string(arg);
  }
  return m;
}

bool MatchPattern::match(std::string_view tag) const {
  for (const auto& p : patterns_)
    if (p.match(tag)) return true;
  return false;
}

}  // namespace shipper
