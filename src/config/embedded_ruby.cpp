#include "config/embedded_ruby.hpp"

#include <unistd.h>

#include <cstdlib>

#include "config/json_literal.hpp"

namespace shipper::config {

RubyEnv RubyEnv::from_process() {
  RubyEnv env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) == 0) env.hostname = buf;
  // Fluentd evaluates the config again in each worker, where SERVERENGINE_WORKER_ID is set;
  // shipper runs as that single worker.
  const char* wid = std::getenv("SERVERENGINE_WORKER_ID");
  env.worker_id = wid ? wid : "0";
  return env;
}

const char* supported_embedded_ruby_forms() {
  return "supported: ENV['X'], ENV[\"X\"], ENV.fetch('X', 'default'), ENV.fetch('X') { 'default' "
         "}, "
         "ENV.fetch('X'), `a || b` chains of these and of 'str', \"str\", numbers, true, false, "
         "nil, "
         "use_default, use_nil, hostname, Socket.gethostname, worker_id, File.join(a, b, ...)";
}

namespace {

size_t skip_quoted(std::string_view s, size_t i);  // i at the opening quote; returns index after

// Returns the index of the '}' that closes code starting at `i`, or npos.
size_t find_code_end(std::string_view s, size_t i) {
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '{') {
      ++depth;
      ++i;
    } else if (c == '}') {
      if (depth == 0) return i;
      --depth;
      ++i;
    } else if (c == '\'' || c == '"') {
      i = skip_quoted(s, i);
      if (i == std::string_view::npos) return i;
    } else if (c == '#' && (i + 1 >= s.size() || s[i + 1] != '{')) {
      while (i < s.size() && s[i] != '\n') ++i;  // a Ruby comment
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

size_t skip_quoted(std::string_view s, size_t i) {
  char q = s[i++];
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\') {
      i += 2;
    } else if (c == q) {
      return i + 1;
    } else if (q == '"' && c == '#' && i + 1 < s.size() && s[i + 1] == '{') {
      size_t end = find_code_end(s, i + 2);
      if (end == std::string_view::npos) return end;
      i = end + 1;
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

struct Value {
  enum Kind { kNil, kString, kBool, kNumber } kind = kNil;
  std::string text;       // string contents, or the number's Ruby to_s
  bool truth = false;     // for kBool
  std::string unset_env;  // nil because this environment variable is unset
  bool truthy() const { return kind != kNil && !(kind == kBool && !truth); }
  std::string to_s() const {
    switch (kind) {
      case kNil:
        return "";
      case kBool:
        return truth ? "true" : "false";
      default:
        return text;
    }
  }
};

struct Unsupported {
  size_t offset;
  std::string what;
};

class Evaluator {
 public:
  Evaluator(std::string_view code, const RubyEnv& env, RubyResult& result)
      : s_(code), env_(env), r_(result) {}

  Value run() {
    skip_ws();
    if (at_end()) return Value{};  // "#{}" is nil
    Value v = expr(true);
    skip_ws();
    if (!at_end()) unsupported(pos_, "unexpected `" + excerpt(pos_) + "`");
    return v;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  void skip_ws() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }
  std::string excerpt(size_t from) const {
    std::string_view rest = s_.substr(from);
    if (rest.size() > 40) return std::string(rest.substr(0, 37)) + "...";
    return std::string(rest);
  }
  [[noreturn]] void unsupported(size_t at, std::string what) {
    throw Unsupported{at, std::move(what)};
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c)
      unsupported(pos_, std::string("expected '") + c + "' at `" + excerpt(pos_) + "`");
    ++pos_;
  }
  bool accept(std::string_view tok) {
    skip_ws();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  static bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  std::string ident() {
    size_t b = pos_;
    while (!at_end() && ident_char(peek())) ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }

  // expr := primary ('||' primary)*  — evaluated lazily like Ruby's short-circuit.
  Value expr(bool live) {
    Value v = postfix(live);
    while (true) {
      skip_ws();
      if (peek() == '|' && peek(1) == '|') {
        pos_ += 2;
        bool rhs_live = live && !v.truthy();
        Value rhs = postfix(rhs_live);
        if (rhs_live) v = rhs;
      } else {
        return v;
      }
    }
  }

  Value postfix(bool live) {
    Value v = primary(live);
    while (true) {
      skip_ws();
      if (peek() == '.' && s_.substr(pos_, 5) == ".to_s" && !ident_char(peek(5))) {
        pos_ += 5;
        Value sv;
        sv.kind = Value::kString;
        sv.text = v.to_s();
        v = sv;
      } else {
        return v;
      }
    }
  }

  Value string_value(std::string text) {
    Value v;
    v.kind = Value::kString;
    v.text = std::move(text);
    return v;
  }

  Value primary(bool live) {
    skip_ws();
    size_t start = pos_;
    char c = peek();
    if (c == '\'') return string_value(single_quoted());
    if (c == '"') return string_value(double_quoted(live));
    if (c == '(') {
      ++pos_;
      Value v = expr(live);
      expect(')');
      return v;
    }
    if ((c >= '0' && c <= '9') || ((c == '-' || c == '+') && peek(1) >= '0' && peek(1) <= '9'))
      return number();
    if (!ident_char(c) || (c >= '0' && c <= '9'))
      unsupported(start, "unexpected `" + excerpt(start) + "`");
    std::string id = ident();
    if (id == "nil") return Value{};
    if (id == "true" || id == "false") {
      Value v;
      v.kind = Value::kBool;
      v.truth = id == "true";
      return v;
    }
    if (id == "use_nil") {
      if (live) r_.use_nil = true;
      return Value{};
    }
    if (id == "use_default") {
      if (live) r_.use_default = true;
      return Value{};
    }
    if (id == "hostname") return string_value(env_.hostname);
    if (id == "worker_id") return string_value(env_.worker_id);
    if (id == "Socket") {
      if (accept(".") && ident() == "gethostname") return string_value(env_.hostname);
      unsupported(start, "`" + excerpt(start) + "` (only Socket.gethostname is supported)");
    }
    if (id == "ENV") return env_access(start, live);
    if (id == "File") {
      if (!(accept(".") && ident() == "join"))
        unsupported(start, "`" + excerpt(start) + "` (only File.join is supported)");
      return file_join(start, live);
    }
    unsupported(start, "`" + excerpt(start) + "`");
  }

  std::string key_argument(bool live) {
    skip_ws();
    size_t at = pos_;
    Value k = expr(live);
    if (live && k.kind != Value::kString)
      unsupported(at, "the environment variable name must be a string");
    return k.text;
  }

  Value env_access(size_t start, bool live) {
    skip_ws();
    if (peek() == '[') {
      ++pos_;
      std::string name = key_argument(live);
      expect(']');
      if (!live) return Value{};
      if (auto v = env_.getenv(name)) return string_value(*v);
      Value nil;
      nil.unset_env = name;
      return nil;
    }
    if (accept(".")) {
      size_t at = pos_;
      std::string method = ident();
      if (method != "fetch")
        unsupported(at, "ENV." + method + " (only ENV['X'] and ENV.fetch are supported)");
      expect('(');
      std::string name = key_argument(live);
      std::optional<Value> fallback;
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        fallback = expr(live);
      }
      expect(')');
      skip_ws();
      if (peek() == '{') {
        ++pos_;
        fallback = expr(live);
        expect('}');
      }
      if (!live) return Value{};
      if (auto v = env_.getenv(name)) return string_value(*v);
      if (fallback) return *fallback;
      RubyProblem p;
      p.offset = start;
      p.code = "env-var-not-found";
      p.message = "ENV.fetch('" + name + "'): environment variable " + name +
                  " is not set (Fluentd stops with KeyError: key not found: \"" + name + "\")";
      p.hint = "set " + name + ", or give a default: ENV.fetch('" + name + "', 'default')";
      r_.problems.push_back(std::move(p));
      r_.ok = false;
      return Value{};
    }
    unsupported(start, "`" + excerpt(start) + "`");
  }

  // Ruby's File.join: one '/' between parts unless a part already brings one.
  Value file_join(size_t start, bool live) {
    expect('(');
    std::string out;
    bool first = true;
    skip_ws();
    if (peek() != ')') {
      while (true) {
        skip_ws();
        size_t at = pos_;
        Value v = expr(live);
        if (live && v.kind == Value::kNil)
          unsupported(at,
                      "File.join got nil (Ruby raises TypeError: no implicit conversion of nil "
                      "into String)");
        std::string part = v.to_s();
        if (!first) {
          size_t tail = out.size();
          while (tail > 0 && out[tail - 1] == '/') --tail;
          if (!part.empty() && part[0] == '/')
            out.resize(tail);
          else if (tail == out.size())
            out += '/';
        }
        out += part;
        first = false;
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        break;
      }
    }
    expect(')');
    return string_value(out);
  }

  Value number() {
    size_t b = pos_;
    if (peek() == '-' || peek() == '+') ++pos_;
    bool is_float = false;
    while (!at_end() && ((peek() >= '0' && peek() <= '9') || peek() == '_')) ++pos_;
    if (peek() == '.' && peek(1) >= '0' && peek(1) <= '9') {
      is_float = true;
      ++pos_;
      while (!at_end() && ((peek() >= '0' && peek() <= '9') || peek() == '_')) ++pos_;
    }
    if ((peek() == 'e' || peek() == 'E') &&
        ((peek(1) >= '0' && peek(1) <= '9') ||
         ((peek(1) == '-' || peek(1) == '+') && peek(2) >= '0' && peek(2) <= '9'))) {
      is_float = true;
      pos_ += 2;
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    }
    std::string lit;
    for (char c : s_.substr(b, pos_ - b))
      if (c != '_') lit += c;
    Value v;
    v.kind = Value::kNumber;
    if (is_float) {
      v.text = ruby_float_to_s(std::strtod(lit.c_str(), nullptr));
    } else {
      long long n =
          std::strtoll(lit.c_str(), nullptr,
                       lit.size() > 1 && lit[lit[0] == '-' || lit[0] == '+'] == '0' ? 8 : 10);
      v.text = std::to_string(n);
    }
    return v;
  }

  std::string single_quoted() {
    ++pos_;
    std::string out;
    while (!at_end()) {
      char c = s_[pos_++];
      if (c == '\'') return out;
      if (c == '\\' && (peek() == '\'' || peek() == '\\')) {
        out += s_[pos_++];
      } else {
        out += c;
      }
    }
    unsupported(pos_, "unterminated string literal");
  }

  std::string double_quoted(bool live) {
    ++pos_;
    std::string out;
    while (!at_end()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c == '\\' && !at_end()) {
        char e = s_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case '0':
            out += '\0';
            break;
          case 's':
            out += ' ';
            break;
          case 'e':
            out += '\x1b';
            break;
          case 'a':
            out += '\a';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'v':
            out += '\v';
            break;
          case '\n':
            break;
          default:
            out += e;
        }
      } else if (c == '#' && peek() == '{') {
        ++pos_;
        auto len = embedded_code_length(s_.substr(pos_));
        if (!len) unsupported(pos_, "unterminated #{ in a string literal");
        if (live) {
          RubyResult inner = eval_embedded_ruby(s_.substr(pos_, *len), env_);
          for (auto& p : inner.problems) {
            p.offset += pos_;
            r_.problems.push_back(p);
          }
          if (!inner.ok) r_.ok = false;
          r_.use_nil |= inner.use_nil;
          r_.use_default |= inner.use_default;
          out += inner.text;
        }
        pos_ += *len + 1;
      } else {
        out += c;
      }
    }
    unsupported(pos_, "unterminated string literal");
  }

  std::string_view s_;
  const RubyEnv& env_;
  RubyResult& r_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<size_t> embedded_code_length(std::string_view text_after_open) {
  size_t end = find_code_end(text_after_open, 0);
  if (end == std::string_view::npos) return std::nullopt;
  return end;
}

RubyResult eval_embedded_ruby(std::string_view code, const RubyEnv& env) {
  RubyResult r;
  try {
    Evaluator ev(code, env, r);
    Value v = ev.run();
    if (!r.ok) {
      r.text.clear();
      return r;
    }
    r.text = v.to_s();
    if (v.kind == Value::kNil && !v.unset_env.empty() && !r.use_nil && !r.use_default) {
      RubyProblem p;
      p.is_error = false;
      p.code = "unset-env-var";
      p.message = "environment variable " + v.unset_env + " is not set; ENV['" + v.unset_env +
                  "'] gives an empty string here";
      p.hint = "set " + v.unset_env + ", or make the fallback explicit: ENV['" + v.unset_env +
               "'] || 'default'";
      r.problems.push_back(std::move(p));
    }
  } catch (const Unsupported& u) {
    r.ok = false;
    r.text.clear();
    RubyProblem p;
    p.offset = u.offset;
    p.code = "unsupported-embedded-ruby";
    p.message = "unsupported embedded Ruby: " + u.what + " in \"#{" + std::string(code) + "}\"";
    p.hint =
        std::string("shipper evaluates a fixed subset of Ruby; ") + supported_embedded_ruby_forms();
    r.problems.push_back(std::move(p));
  }
  return r;
}

}  // namespace shipper::config
