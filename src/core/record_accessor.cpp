#include "core/record_accessor.hpp"

#include <charconv>

namespace shipper {
namespace {

bool is_index_text(std::string_view s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int64_t to_index(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data() + (s[0] == '-' ? 1 : 0), s.data() + s.size(), v);
  return s[0] == '-' ? -v : v;
}

Status config_error(std::string message) {
  return error(StatusCode::kInvalidArgument, std::move(message));
}

// One segment of a dot path that contains '[': `name[0][1]` or `[0]`.
Status parse_dot_array_op(std::string_view key, std::string_view param,
                          std::vector<RecordAccessor::Step>& out) {
  size_t start = key.find('[');
  if (start > 0) out.push_back({false, std::string(key.substr(0, start)), 0});
  key = key.substr(start + 1);
  bool in_bracket = true;
  while (!key.empty()) {
    if (in_bracket) {
      size_t i = key.find(']');
      if (i == std::string_view::npos)
        return config_error("'[' found but ']' not found. Invalid syntax: " + std::string(param));
      std::string_view index = key.substr(0, i);
      if (!is_index_text(index))
        return config_error("missing array index in '[]'. Invalid syntax: " + std::string(param));
      out.push_back({true, {}, to_index(index)});
      key = key.substr(i + 1);
      in_bracket = false;
    } else {
      size_t i = key.find('[');
      if (i == std::string_view::npos)
        return config_error("found more characters after ']'. Invalid syntax: " +
                            std::string(param));
      key = key.substr(i + 1);
      in_bracket = true;
    }
  }
  return Status::ok();
}

Status parse_dot(std::string_view param, std::vector<RecordAccessor::Step>& out) {
  std::string_view rest = param.substr(2);
  // Ruby's String#split('.') drops trailing empty fields.
  std::vector<std::string_view> keys;
  size_t from = 0;
  while (from <= rest.size()) {
    size_t dot = rest.find('.', from);
    if (dot == std::string_view::npos) dot = rest.size();
    keys.push_back(rest.substr(from, dot - from));
    from = dot + 1;
  }
  while (!keys.empty() && keys.back().empty()) keys.pop_back();
  for (std::string_view key : keys) {
    if (key.find('[') != std::string_view::npos) {
      Status s = parse_dot_array_op(key, param, out);
      if (!s) return s;
    } else {
      out.push_back({false, std::string(key), 0});
    }
  }
  if (out.empty()) return config_error("empty keys in dot notation");
  for (const auto& s : out) {
    if (s.is_index) continue;
    for (char c : s.key)
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        return config_error(
            "whitespace character is not allowed in dot notation. Use bracket notation: " + s.key);
  }
  return Status::ok();
}

Status parse_bracket(std::string_view orig, std::vector<RecordAccessor::Step>& out) {
  std::string_view param = orig.substr(1);
  bool in_bracket = false;
  while (!param.empty()) {
    if (in_bracket) {
      if (param[0] == '\'' || param[0] == '"') {
        size_t i = param.find("']");
        if (i == std::string_view::npos) i = param.find("\"]");
        if (i == std::string_view::npos)
          return config_error("Incomplete bracket. Invalid syntax: " + std::string(orig));
        if (param[0] != param[i])
          return config_error("Mismatched quotes. Invalid syntax: " + std::string(orig));
        out.push_back({false, std::string(param.substr(1, i - 1)), 0});
        param = param.substr(i + 2);
        in_bracket = false;
      } else {
        size_t i = param.find(']');
        if (i == std::string_view::npos)
          return config_error("'[' found but ']' not found. Invalid syntax: " + std::string(orig));
        std::string_view index = param.substr(0, i);
        if (!is_index_text(index))
          return config_error("missing array index in '[]'. Invalid syntax: " + std::string(param));
        out.push_back({true, {}, to_index(index)});
        param = param.substr(i + 1);
        in_bracket = false;
      }
    } else {
      if (param[0] != '[')
        return config_error("found more characters after ']'. Invalid syntax: " +
                            std::string(orig));
      param = param.substr(1);
      in_bracket = true;
    }
  }
  if (out.empty()) return config_error("empty keys in bracket notation");
  return Status::ok();
}

// Ruby's Hash#dig / Array#dig step: a map is indexed by key (an integer key is absent in records
// whose keys are strings), an array by integer (a string index raises), a scalar raises.
RecordAccessor::Lookup step_into(const MpValue& cur, const RecordAccessor::Step& s, MpValue& next) {
  if (cur.is_map()) {
    if (s.is_index) return RecordAccessor::Lookup::kMissing;
    next = MapView::find(cur, s.key);
    return next.valid() ? RecordAccessor::Lookup::kFound : RecordAccessor::Lookup::kMissing;
  }
  if (cur.is_array()) {
    if (!s.is_index) return RecordAccessor::Lookup::kError;
    next = array_at(cur, s.index);
    return next.valid() ? RecordAccessor::Lookup::kFound : RecordAccessor::Lookup::kMissing;
  }
  return RecordAccessor::Lookup::kError;
}

// Writes `container` with the element at steps[i..] removed; false when nothing was removed.
bool remove_in(const MpValue& container, const std::vector<RecordAccessor::Step>& steps, size_t i,
               std::string& out) {
  const auto& s = steps[i];
  bool last = i + 1 == steps.size();
  if (container.is_map()) {
    if (s.is_index) return false;
    // Find the pair first, so that nothing is written when there is nothing to remove.
    MapView it(container);
    MpValue k, v;
    size_t pos = 0;
    bool found = false;
    while (it.next(k, v)) {
      if (k.is_string() && k.data == s.key) {
        found = true;
        break;
      }
      ++pos;
    }
    if (!found) return false;
    std::string inner;
    if (!last && !remove_in(v, steps, i + 1, inner)) return false;
    mp_write_map_header(out, last ? container.count - 1 : container.count);
    MapView again(container);
    size_t j = 0;
    while (again.next(k, v)) {
      if (j++ == pos) {
        if (last) continue;
        out.append(k.bytes.data(), k.bytes.size());
        out.append(inner);
        continue;
      }
      out.append(k.bytes.data(), k.bytes.size());
      out.append(v.bytes.data(), v.bytes.size());
    }
    return true;
  }
  if (container.is_array()) {
    if (!s.is_index) return false;
    int64_t n = container.count;
    int64_t idx = s.index < 0 ? s.index + n : s.index;
    if (idx < 0 || idx >= n) return false;
    MpValue target = array_at(container, idx);
    std::string inner;
    if (!last && !remove_in(target, steps, i + 1, inner)) return false;
    mp_write_array_header(out, last ? container.count - 1 : container.count);
    std::string_view rest = container.data;
    for (int64_t j = 0; j < n; ++j) {
      MpValue e;
      if (!mp_decode(rest, e)) break;
      rest.remove_prefix(e.bytes.size());
      if (j == idx) {
        if (!last) out.append(inner);
        continue;
      }
      out.append(e.bytes.data(), e.bytes.size());
    }
    return true;
  }
  return false;
}

}  // namespace

Result<RecordAccessor> RecordAccessor::parse(std::string_view path) {
  RecordAccessor a;
  a.source_ = std::string(path);
  if (path.size() >= 2 && path[0] == '$' && (path[1] == '.' || path[1] == '[')) {
    Status s = path[1] == '.' ? parse_dot(path, a.steps_) : parse_bracket(path, a.steps_);
    if (!s) return s;
  } else {
    a.steps_.push_back({false, std::string(path), 0});
  }
  return a;
}

RecordAccessor::Lookup RecordAccessor::get(const MpValue& record, MpValue& out) const {
  MpValue cur = record;
  for (size_t i = 0; i < steps_.size(); ++i) {
    MpValue next;
    Lookup r = step_into(cur, steps_[i], next);
    if (r != Lookup::kFound) return r;
    if (next.is_nil() && i + 1 < steps_.size()) return Lookup::kMissing;  // dig stops at nil
    cur = next;
  }
  out = cur;
  return Lookup::kFound;
}

bool RecordAccessor::remove(const MpValue& record, std::string& out) const {
  if (steps_.empty()) return false;
  return remove_in(record, steps_, 0, out);
}

}  // namespace shipper
