#include "config/yaml_loader.hpp"

#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/embedded_ruby.hpp"
#include "config/json_literal.hpp"
#include "core/json_escape.hpp"

namespace shipper::config {

namespace {

constexpr size_t kMaxIncludeDepth = 32;

// A YAML scalar after YAML 1.1 resolution, as Ruby's Psych would type it, then Ruby's to_s.
struct Scalar {
  enum Kind { kNil, kBool, kInt, kFloat, kString } kind = kString;
  std::string text;  // Ruby's to_s of the value ("" for nil)
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Psych's /^[^\d.:-]?[[:alpha:]_\s!@#$%\^&*(){}<>|\/\\~;=]+/ (by hand: std::regex recurses per
// character and would overflow the stack on a long scalar).
bool looks_like_word(const std::string& s) {
  auto word_char = [](unsigned char c) {
    return std::isalpha(c) || c >= 0x80 || c == '_' || std::isspace(c) ||
           std::strchr("!@#$%^&*(){}<>|/\\~;=", c) != nullptr;
  };
  if (s.empty()) return false;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (c0 != 0 && word_char(c0)) return true;
  bool optional_first = !(std::isdigit(c0) || c0 == '.' || c0 == ':' || c0 == '-');
  return optional_first && s.size() > 1 && s[1] != 0 && word_char(static_cast<unsigned char>(s[1]));
}

// Psych's ScalarScanner#tokenize for plain (unquoted, untagged) scalars.
Scalar resolve_plain(const std::string& s) {
  if (s.empty()) return {Scalar::kNil, ""};
  static const std::regex base60("^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$");
  static const std::regex decimal("^[-+]?([0-9][0-9_,]*)?\\.[0-9]*([eE][-+][0-9]+)?$");
  if (looks_like_word(s) || s.find('\n') != std::string::npos) {
    if (s.size() > 5) return {Scalar::kString, s};
    std::string l = lower(s);
    if (l == "~" || l == "null") return {Scalar::kNil, ""};
    if (l == "yes" || l == "true" || l == "on") return {Scalar::kBool, "true"};
    if (l == "no" || l == "false" || l == "off") return {Scalar::kBool, "false"};
    return {Scalar::kString, s};
  }
  if (s.size() > 64) return {Scalar::kString, s};  // no number or date is this long
  std::smatch m;
  static const std::regex date("^(\\d{4})-(1[012]|0\\d|\\d)-([12]\\d|3[01]|0\\d|\\d)$");
  if (std::regex_match(s, m, date)) {
    auto pad = [](const std::string& x) { return x.size() == 1 ? "0" + x : x; };
    return {Scalar::kString, m[1].str() + "-" + pad(m[2].str()) + "-" + pad(m[3].str())};
  }
  std::string l = lower(s);
  if (l == ".inf" || l == "+.inf") return {Scalar::kFloat, "Infinity"};
  if (l == "-.inf") return {Scalar::kFloat, "-Infinity"};
  if (l == ".nan") return {Scalar::kFloat, "NaN"};
  if (s.size() > 1 && s[0] == ':') return {Scalar::kString, s.substr(1)};  // a Ruby Symbol
  if (std::regex_match(s, base60)) {                                       // base 60
    // Psych weighs the parts 60^2, 60^1, 60^0 from the left (so "12:30" is 45000).
    std::vector<std::string> parts;
    std::string part;
    std::stringstream ss(s);
    while (std::getline(ss, part, ':')) parts.push_back(part);
    long long total = 0;
    for (size_t e = 0; e < parts.size(); ++e) {
      std::string p = parts[e];
      p.erase(std::remove(p.begin(), p.end(), '_'), p.end());
      long long w = 1;
      for (int k = 0; k < std::abs(static_cast<int>(e) - 2); ++k) w *= 60;
      total += std::atoll(p.c_str()) * w;
    }
    return {Scalar::kInt, std::to_string(total)};
  }
  if (std::regex_match(s, decimal)) {
    if (s == "." || s == "-." || s == "+.") return {Scalar::kString, s};
    std::string clean;
    for (char c : s)
      if (c != '_' && c != ',') clean += c;
    return {Scalar::kFloat, ruby_float_to_s(std::strtod(clean.c_str(), nullptr))};
  }
  static const std::regex integer(
      "^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-"
      "F_,]+)$");
  if (std::regex_match(s, integer)) {
    std::string clean;
    for (char c : s)
      if (c != '_' && c != ',') clean += c;
    bool neg = clean[0] == '-';
    size_t i = (clean[0] == '-' || clean[0] == '+') ? 1 : 0;
    int base = 10;
    if (clean.compare(i, 2, "0b") == 0)
      base = 2, i += 2;
    else if (clean.compare(i, 2, "0x") == 0)
      base = 16, i += 2;
    else if (clean.size() - i > 1 && clean[i] == '0')
      base = 8, i += 1;
    long long v = std::strtoll(clean.c_str() + i, nullptr, base);
    return {Scalar::kInt, std::to_string(neg ? -v : v)};
  }
  return {Scalar::kString, s};
}

Scalar scalar_of(const YAML::Node& n) {
  if (n.IsNull()) return {Scalar::kNil, ""};
  if (n.Tag() == "?") return resolve_plain(n.Scalar());
  return {Scalar::kString, n.Scalar()};
}

struct Loader {
  Diagnostics& diags;
  RubyEnv env = RubyEnv::from_process();
  std::vector<std::string> stack;  // canonical paths being loaded

  Location loc(const std::string& file, const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.line < 0) return {file, 0, 0};
    return {file, m.line + 1, m.column + 1};
  }

  // A mapping's entries with `<<` merge keys applied and duplicate keys collapsed (last value,
  // first position), as Psych builds the Ruby Hash.
  std::vector<std::pair<YAML::Node, YAML::Node>> entries(const YAML::Node& map) {
    std::vector<std::pair<YAML::Node, YAML::Node>> out;
    auto put = [&](const YAML::Node& k, const YAML::Node& v) {
      std::string key = k.IsScalar() ? k.Scalar() : "";
      for (auto& e : out)
        if (e.first.IsScalar() && e.first.Scalar() == key) {
          e.second.reset(v);  // rebinds; operator= would overwrite the document's node
          return;
        }
      out.emplace_back(k, v);
    };
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "<<" && it->second.IsMap()) {
        for (auto& e : entries(it->second)) put(e.first, e.second);
      } else {
        put(it->first, it->second);
      }
    }
    return out;
  }

  // JSON for !fluent/json, from the YAML value as Ruby would have built it.
  std::string to_json(const YAML::Node& n) {
    if (n.IsMap()) {
      std::string out = "{";
      bool first = true;
      for (auto& [k, v] : entries(n)) {
        if (!first) out += ',';
        first = false;
        out += '"';
        append_json_escaped(scalar_of(k).text, out);
        out += "\":" + to_json(v);
      }
      return out + "}";
    }
    if (n.IsSequence()) {
      std::string out = "[";
      for (size_t i = 0; i < n.size(); ++i) out += (i ? "," : "") + to_json(n[i]);
      return out + "]";
    }
    Scalar s = scalar_of(n);
    switch (s.kind) {
      case Scalar::kNil:
        return "null";
      case Scalar::kBool:
      case Scalar::kInt:
      case Scalar::kFloat:
        return s.text;
      case Scalar::kString: {
        std::string out = "\"";
        append_json_escaped(s.text, out);
        return out + "\"";
      }
    }
    return "null";
  }

  // A value that becomes a parameter.
  Param make_param(const std::string& file, const std::string& key, const YAML::Node& k,
                   const YAML::Node& v) {
    Param p;
    p.key = key;
    p.key_loc = loc(file, k);
    p.value_loc = loc(file, v);
    const std::string& tag = v.Tag();
    if (tag == "!fluent/json") {
      p.value = to_json(v);
      p.form = ValueForm::kJson;
    } else if (tag == "!fluent/s") {
      // Evaluated like a Ruby double-quoted string; use_nil gives "" and use_default the
      // string ":default" here, unlike the text format.
      RubyResult r =
          eval_embedded_ruby("\"" + (v.IsScalar() ? v.Scalar() : std::string()) + "\"", env);
      for (const auto& pr : r.problems) {
        if (pr.is_error)
          diags.error(p.value_loc, pr.code, pr.message, pr.hint);
        else
          diags.warning(p.value_loc, pr.code, pr.message, pr.hint);
      }
      p.value = r.use_nil ? "" : r.use_default ? ":default" : r.text;
      p.form = ValueForm::kDoubleQuoted;
    } else if (v.IsSequence()) {
      p.value = to_json(v);  // an array of scalars (Fluentd >= 1.19.1 passes the native array)
      p.form = ValueForm::kJson;
    } else {
      Scalar s = scalar_of(v);
      p.value = s.text;
      p.is_nil = s.kind == Scalar::kNil;
      p.form = s.kind == Scalar::kNil ? ValueForm::kNone
               : v.Tag() == "!"       ? ValueForm::kDoubleQuoted
                                      : ValueForm::kUnquoted;
    }
    return p;
  }

  std::string arg_text(const YAML::Node& v) {
    if (v.IsSequence()) {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + scalar_of(v[i]).text;
      return out;
    }
    return scalar_of(v).text;
  }

  Element section(const std::string& file, const std::string& name, const YAML::Node& key_node,
                  const YAML::Node& body, const char* arg_key) {
    Element e;
    e.name = name;
    e.loc = loc(file, key_node);
    e.arg_loc = e.loc;
    if (!body.IsMap()) {
      if (!body.IsNull())
        diags.error(loc(file, body), "yaml-bad-section",
                    "'" + name + "' must be a mapping of parameters",
                    "write '" + name + ":' followed by indented 'key: value' lines");
      return e;
    }
    // Never erase or assign: YAML::Node assignment writes into the document.
    auto items = entries(body);
    std::vector<bool> taken(items.size(), false);
    auto take = [&](const std::string& k) -> const std::pair<YAML::Node, YAML::Node>* {
      for (size_t i = 0; i < items.size(); ++i)
        if (!taken[i] && items[i].first.IsScalar() && items[i].first.Scalar() == k) {
          taken[i] = true;
          return &items[i];
        }
      return nullptr;
    };
    if (arg_key) {
      if (auto a = take(arg_key)) {
        e.arg = arg_text(a->second);
        e.arg_loc = loc(file, a->second);
      }
    }
    for (const char* reserved : {"type", "label", "id", "log_level"}) {
      if (auto r = take(std::string("$") + reserved)) {
        Scalar s = scalar_of(r->second);
        if (s.kind == Scalar::kNil || (s.kind == Scalar::kBool && s.text == "false"))
          continue;  // dropped
        e.set(make_param(file, std::string("@") + reserved, r->first, r->second));
      }
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (taken[i]) continue;
      const YAML::Node& k = items[i].first;
      const YAML::Node& v = items[i].second;
      std::string key = scalar_of(k).text;
      if (v.IsSequence() && v.Tag() != "!fluent/json" && v.size() > 0 &&
          (v[0].IsMap() || v[0].IsSequence())) {
        for (size_t j = 0; j < v.size(); ++j)
          e.children.push_back(section(file, key, v[j], v[j], nullptr));
      } else if (v.IsMap() && v.Tag() != "!fluent/json") {
        e.children.push_back(section(file, key, k, v, "$arg"));
      } else {
        e.set(make_param(file, key, k, v));
      }
    }
    return e;
  }

  Element label_or_worker(const std::string& file, const std::string& name, const YAML::Node& k,
                          const YAML::Node& body, const char* arg_key) {
    Element e;
    e.name = name;
    e.loc = loc(file, k);
    e.arg_loc = e.loc;
    if (!body.IsMap()) {
      diags.error(loc(file, body), "yaml-bad-section",
                  "'" + name + "' must be a mapping with a 'config:' list",
                  std::string("write '") + name + ":' with '" + arg_key + ":' and 'config:'");
      return e;
    }
    for (auto& [ck, cv] : entries(body)) {
      std::string key = ck.IsScalar() ? ck.Scalar() : "";
      if (key == arg_key) {
        e.arg = arg_text(cv);
        e.arg_loc = loc(file, cv);
      } else if (key == "config") {
        config_list(file, cv, e);
      }
    }
    return e;
  }

  void config_item(const std::string& file, const std::string& key, const YAML::Node& k,
                   const YAML::Node& v, Element& target) {
    if (key == "label")
      target.children.push_back(label_or_worker(file, "label", k, v, "$name"));
    else if (key == "worker")
      target.children.push_back(label_or_worker(file, "worker", k, v, "$arg"));
    else if (key == "source")
      target.children.push_back(section(file, "source", k, v, nullptr));
    else if (key == "filter" || key == "match")
      target.children.push_back(section(file, key, k, v, "$tag"));
  }

  void config_list(const std::string& file, const YAML::Node& list, Element& target) {
    if (list.IsNull()) return;
    if (!list.IsSequence()) {
      diags.error(loc(file, list), "yaml-bad-config",
                  "'config' must be a list of '- source:', '- match:' ... items",
                  "start each directive with '- '");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      if (item.Tag() == "!include") {
        include(file, item, target);
        continue;
      }
      if (!item.IsMap()) {
        diags.error(loc(file, item), "yaml-bad-config",
                    "a 'config' item must be a mapping such as '- source: ...'",
                    "write '- source:', '- filter:', '- match:', '- label:' or '- worker:'");
        continue;
      }
      // Several directives in one item are taken in this fixed order, not in file order.
      auto items = entries(item);
      for (const char* want : {"label", "source", "filter", "match", "worker"})
        for (auto& [k, v] : items)
          if (k.IsScalar() && k.Scalar() == want) config_item(file, want, k, v, target);
    }
  }

  void include(const std::string& file, const YAML::Node& node, Element& target) {
    std::string path = node.IsScalar() ? node.Scalar() : "";
    if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0)
      return;  // Fluentd ignores them
    std::string base = file.find('/') == std::string::npos ? "." : file.substr(0, file.rfind('/'));
    if (base.empty()) base = "/";
    std::string pattern = !path.empty() && path[0] == '/' ? path : base + "/" + path;
    glob_t g{};
    std::vector<std::string> found;
    if (glob(pattern.c_str(), GLOB_BRACE, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
    globfree(&g);
    std::sort(found.begin(), found.end());
    for (const auto& f : found) {
      char real[PATH_MAX];
      std::string canonical = realpath(f.c_str(), real) ? std::string(real) : f;
      if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
        diags.error(loc(file, node), "include-cycle",
                    "!include " + path + " includes " + f + ", which is already being loaded",
                    "remove the include that loops back to " + f);
        continue;
      }
      if (stack.size() >= kMaxIncludeDepth) {
        diags.error(loc(file, node), "include-too-deep", "includes are nested too deeply",
                    "check for include loops");
        continue;
      }
      std::ifstream in(f, std::ios::binary);
      if (!in) {
        diags.error(loc(file, node), "include-error",
                    "include error " + path + " - cannot read " + f, "make the file readable");
        continue;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      stack.push_back(canonical);
      YAML::Node doc;
      if (parse(ss.str(), f, &doc)) {
        if (doc.IsSequence()) {
          // Only the first key of each included item counts, as in Fluentd.
          for (size_t i = 0; i < doc.size(); ++i) {
            const YAML::Node item = doc[i];
            if (item.Tag() == "!include") {
              include(f, item, target);
            } else if (item.IsMap() && item.size() > 0) {
              auto it = item.begin();
              config_item(f, it->first.IsScalar() ? it->first.Scalar() : "", it->first, it->second,
                          target);
            }
          }
        } else if (!doc.IsNull()) {
          diags.error(loc(f, doc), "yaml-bad-include",
                      "an included YAML file must be a list of '- source:' ... items",
                      "write the included file as a YAML sequence");
        }
      }
      stack.pop_back();
    }
  }

  bool parse(const std::string& text, const std::string& file, YAML::Node* out) {
    try {
      *out = YAML::Load(text);
      return true;
    } catch (const YAML::Exception& e) {
      Location l{file, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                 e.mark.column >= 0 ? e.mark.column + 1 : 0};
      diags.error(l, "yaml-syntax", "YAML syntax error: " + e.msg, "fix the YAML at this position");
      return false;
    }
  }
};

}  // namespace

Element load_yaml_config(std::string_view text, const std::string& file, Diagnostics& diags) {
  Element root;
  root.name = "ROOT";
  root.loc = {file, 1, 1};
  Loader loader{diags, RubyEnv::from_process(), {}};
  char real[PATH_MAX];
  loader.stack.push_back(realpath(file.c_str(), real) ? std::string(real) : file);
  YAML::Node doc;
  try {
    if (!loader.parse(std::string(text), file, &doc)) return root;
    if (doc.IsNull()) return root;
    if (!doc.IsMap()) {
      diags.error(loader.loc(file, doc), "yaml-bad-root",
                  "a YAML configuration must be a mapping with 'system:' and 'config:'",
                  "start the file with 'config:' followed by a list of directives");
      return root;
    }
    for (auto& [k, v] : loader.entries(doc)) {
      std::string key = k.IsScalar() ? k.Scalar() : "";
      if (key == "system")
        root.children.insert(root.children.begin(), loader.section(file, "system", k, v, nullptr));
      else if (key == "config")
        loader.config_list(file, v, root);
    }
  } catch (const YAML::Exception& e) {
    diags.error({file, e.mark.line + 1, e.mark.column + 1}, "yaml-syntax", "YAML error: " + e.msg,
                "fix the YAML");
  }
  return root;
}

}  // namespace shipper::config
