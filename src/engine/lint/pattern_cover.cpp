#include "engine/lint/pattern_cover.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <set>

namespace shipper::lint {

namespace {

// ---- Pattern syntax tree, built exactly as Fluentd's GlobMatchPattern builds its regex ----

struct Node;
using NodeP = std::shared_ptr<Node>;
struct Node {
  enum Kind { kLit, kNotDotStar, kAnyStar, kDotOrEnd, kSeq, kAlt, kEmpty, kFail } kind;
  unsigned char ch = 0;
  std::vector<NodeP> kids;
};

NodeP make(Node::Kind k, unsigned char c = 0) {
  auto n = std::make_shared<Node>();
  n->kind = k;
  n->ch = c;
  return n;
}
NodeP make_list(Node::Kind k, std::vector<NodeP> kids) {
  auto n = make(k);
  n->kids = std::move(kids);
  return n;
}

bool nullable(const Node& n) {
  switch (n.kind) {
    case Node::kLit:
    case Node::kFail:
      return false;
    case Node::kSeq:
      for (const auto& k : n.kids)
        if (!nullable(*k)) return false;
      return true;
    case Node::kAlt:
      for (const auto& k : n.kids)
        if (nullable(*k)) return true;
      return false;
    default:
      return true;
  }
}

// `exact` is cleared when `\A` inside `(?:.*\.|\A)` may or may not hold depending on what the
// nodes before it matched (e.g. `{a,}**.b`): such a pattern is then treated like a regex.
NodeP compile_glob(const std::string& pat, bool& exact) {
  exact = true;
  std::vector<std::vector<NodeP>> regex(1);
  std::vector<std::vector<NodeP>> stack;
  bool escape = false, dot = false;
  auto all_empty = [&] {
    for (const auto& level : regex)
      if (!level.empty()) return false;
    return true;
  };
  size_t i = 0;
  while (i < pat.size()) {
    unsigned char c = static_cast<unsigned char>(pat[i]);
    if (escape) {
      regex.back().push_back(make(Node::kLit, c));
      escape = false;
      ++i;
      continue;
    }
    if (pat.compare(i, 2, "**") == 0) {
      if (dot) {
        regex.back().push_back(make(Node::kDotOrEnd));  // (?![^\.])
        dot = false;
      }
      if (i + 2 < pat.size() && pat[i + 2] == '.') {
        // (?:.*\.|\A): \A can only hold when nothing has been matched yet.
        bool at_start = all_empty();
        if (!at_start) {
          bool maybe = true;
          for (const auto& level : regex)
            for (const auto& n : level) maybe = maybe && nullable(*n);
          if (maybe) exact = false;
        }
        regex.back().push_back(make_list(
            Node::kAlt, {make_list(Node::kSeq, {make(Node::kAnyStar), make(Node::kLit, '.')}),
                         make(at_start ? Node::kEmpty : Node::kFail)}));
        i += 3;
      } else {
        regex.back().push_back(make(Node::kAnyStar));
        i += 2;
      }
      continue;
    }
    if (dot) {
      regex.back().push_back(make(Node::kLit, '.'));
      dot = false;
    }
    if (c == '\\') {
      escape = true;
    } else if (c == '.') {
      dot = true;
    } else if (c == '*') {
      regex.back().push_back(make(Node::kNotDotStar));
    } else if (c == '{') {
      stack.emplace_back();
      regex.emplace_back();
    } else if (c == '}' && !stack.empty()) {
      stack.back().push_back(make_list(Node::kSeq, std::move(regex.back())));
      regex.pop_back();
      NodeP alt = make_list(Node::kAlt, std::move(stack.back()));
      stack.pop_back();
      regex.back().push_back(alt);
    } else if (c == ',' && !stack.empty()) {
      stack.back().push_back(make_list(Node::kSeq, std::move(regex.back())));
      regex.pop_back();
      regex.emplace_back();
    } else {
      regex.back().push_back(make(Node::kLit, c));
    }
    ++i;
  }
  // A trailing '.' is dropped, as in fluentd; unclosed braces are closed.
  while (!stack.empty()) {
    stack.back().push_back(make_list(Node::kSeq, std::move(regex.back())));
    regex.pop_back();
    NodeP alt = make_list(Node::kAlt, std::move(stack.back()));
    stack.pop_back();
    regex.back().push_back(alt);
  }
  return make_list(Node::kSeq, std::move(regex.back()));
}

// ---- Thompson NFA with one kind of conditional epsilon (next symbol is '.' or the end) ----

constexpr int kOther = 256;  // any character that appears in no pattern
constexpr int kEnd = 257;

struct Nfa {
  struct Edge {
    Node::Kind test;  // kLit, kNotDotStar (= [^.]), kAnyStar (= any)
    int ch;
    int to;
  };
  struct Eps {
    int to;
    bool dot_or_end;  // only when the next symbol is '.' or the end
  };
  std::vector<std::vector<Edge>> edges;
  std::vector<std::vector<Eps>> eps;
  int start = 0, accept = 0;

  int add() {
    edges.emplace_back();
    eps.emplace_back();
    return static_cast<int>(edges.size()) - 1;
  }
  // Builds `n` between states a (entry) and returns the exit state.
  int build(const Node& n, int a) {
    switch (n.kind) {
      case Node::kLit: {
        int b = add();
        edges[a].push_back({Node::kLit, n.ch, b});
        return b;
      }
      case Node::kNotDotStar:
      case Node::kAnyStar: {
        int b = add();
        eps[a].push_back({b, false});
        edges[b].push_back({n.kind, 0, b});
        return b;
      }
      case Node::kDotOrEnd: {
        int b = add();
        eps[a].push_back({b, true});
        return b;
      }
      case Node::kEmpty:
        return a;
      case Node::kFail:
        return add();  // unreachable exit
      case Node::kSeq: {
        int cur = a;
        for (const auto& k : n.kids) cur = build(*k, cur);
        return cur;
      }
      case Node::kAlt: {
        int out = add();
        for (const auto& k : n.kids) {
          int in = add();
          eps[a].push_back({in, false});
          int end = build(*k, in);
          eps[end].push_back({out, false});
        }
        return out;
      }
    }
    return a;
  }

  static bool matches(const Edge& e, int sym) {
    if (sym == kEnd) return false;
    switch (e.test) {
      case Node::kLit:
        return sym == e.ch;
      case Node::kNotDotStar:
        return sym != '.';
      default:
        return true;
    }
  }
  std::vector<int> closure(const std::vector<int>& set, int next) const {
    std::vector<char> seen(edges.size(), 0);
    std::vector<int> todo(set.begin(), set.end()), out;
    while (!todo.empty()) {
      int s = todo.back();
      todo.pop_back();
      if (seen[s]) continue;
      seen[s] = 1;
      out.push_back(s);
      for (const auto& e : eps[s])
        if (!e.dot_or_end || next == '.' || next == kEnd) todo.push_back(e.to);
    }
    return out;
  }
  std::vector<int> step(const std::vector<int>& set, int sym) const {
    std::set<int> next;
    for (int s : closure(set, sym))
      for (const auto& e : edges[s])
        if (matches(e, sym)) next.insert(e.to);
    return {next.begin(), next.end()};
  }
  bool accepts_at_end(const std::vector<int>& set) const {
    for (int s : closure(set, kEnd))
      if (s == accept) return true;
    return false;
  }
};

bool is_regex(const std::string& p) {
  return !p.empty() && p.front() == '/';
}

void collect_literals(const Node& n, std::set<int>& out) {
  if (n.kind == Node::kLit) out.insert(n.ch);
  for (const auto& k : n.kids) collect_literals(*k, out);
}

// One automaton for the union of glob patterns (regex patterns must be filtered out before).
// `exact` is cleared when some pattern could not be compiled exactly.
Nfa build_union(const std::vector<std::string>& patterns, std::set<int>& alphabet, bool& exact) {
  Nfa nfa;
  nfa.start = nfa.add();
  nfa.accept = nfa.add();
  exact = true;
  for (const auto& p : patterns) {
    bool one_exact = true;
    NodeP tree = compile_glob(p, one_exact);
    exact = exact && one_exact;
    collect_literals(*tree, alphabet);
    int in = nfa.add();
    nfa.eps[nfa.start].push_back({in, false});
    int end = nfa.build(*tree, in);
    nfa.eps[end].push_back({nfa.accept, false});
  }
  return nfa;
}

}  // namespace

std::vector<std::string> split_patterns(const std::string& arg) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : arg) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  if (out.empty()) out.push_back("**");
  return out;
}

std::optional<std::string> pattern_error(const std::string& pattern) {
  if (is_regex(pattern) && (pattern.size() < 2 || pattern.back() != '/'))
    return std::string("invalid match - regex");
  return std::nullopt;
}

bool patterns_cover(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  std::vector<std::string> globs_outer, globs_inner;
  for (const auto& p : outer)
    if (!is_regex(p)) globs_outer.push_back(p);
  for (const auto& p : inner) {
    if (is_regex(p)) return false;  // cannot say what a regex matches
    globs_inner.push_back(p);
  }
  if (globs_outer.empty() || globs_inner.empty()) return false;
  std::set<int> alphabet{'.', kOther};
  // An inexact outer pattern matches a subset of the real one (still a sound claim); an inexact
  // inner one might match more than compiled, so then nothing is claimed.
  bool outer_exact = true, inner_exact = true;
  Nfa a = build_union(globs_outer, alphabet, outer_exact);
  Nfa b = build_union(globs_inner, alphabet, inner_exact);
  if (!inner_exact) return false;
  using Pair = std::pair<std::vector<int>, std::vector<int>>;
  std::set<Pair> visited;
  std::deque<Pair> queue;
  Pair first{{b.start}, {a.start}};
  visited.insert(first);
  queue.push_back(first);
  constexpr size_t kLimit = 20000;  // patterns are short; beyond this, make no claim
  while (!queue.empty()) {
    Pair cur = std::move(queue.front());
    queue.pop_front();
    if (b.accepts_at_end(cur.first) && !a.accepts_at_end(cur.second)) return false;
    for (int sym : alphabet) {
      auto nb = b.step(cur.first, sym);
      if (nb.empty()) continue;
      Pair next{std::move(nb), a.step(cur.second, sym)};
      if (visited.insert(next).second) {
        if (visited.size() > kLimit) return false;
        queue.push_back(std::move(next));
      }
    }
  }
  return true;
}

bool pattern_matches(const std::string& pattern, const std::string& tag) {
  if (is_regex(pattern)) return false;
  std::set<int> alphabet;
  bool exact = true;
  Nfa n = build_union({pattern}, alphabet, exact);
  std::vector<int> cur{n.start};
  for (unsigned char c : tag) {
    cur = n.step(cur, c);
    if (cur.empty()) return false;
  }
  return n.accepts_at_end(cur);
}

}  // namespace shipper::lint
