#pragma once
// A small evaluator for the Ruby that configs put in "#{…}": environment lookups with fallbacks,
// use_nil / use_default, hostname, worker_id, File.join and literals. There is no Ruby
// interpreter; anything outside this subset is reported, never passed through silently.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shipper::config {

// What the code can see. Defaults read the process environment and the machine's hostname.
struct RubyEnv {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::string hostname;
  std::string worker_id;
  static RubyEnv from_process();
};

struct RubyProblem {
  size_t offset = 0;  // byte offset inside the code
  std::string code;   // diagnostic code
  std::string message;
  std::string hint;
  bool is_error = true;  // false: a warning (an unset variable interpolated as "")
};

struct RubyResult {
  std::string text;          // Ruby's to_s of the value (nil gives "")
  bool ok = true;            // false when an error was found (text is then "")
  bool use_nil = false;      // use_nil was evaluated: the whole string becomes nil
  bool use_default = false;  // use_default was evaluated: the parameter takes its default
  std::vector<RubyProblem> problems;
};

// The length of the code that starts right after "#{", up to (not including) its closing '}',
// honouring nested braces and Ruby string literals; nullopt when the text ends first.
std::optional<size_t> embedded_code_length(std::string_view text_after_open);

// Evaluates the code of one "#{…}".
RubyResult eval_embedded_ruby(std::string_view code, const RubyEnv& env);

// The one-line list of supported forms, used in hints.
const char* supported_embedded_ruby_forms();

}  // namespace shipper::config
