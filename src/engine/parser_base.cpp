#include "engine/parser_base.hpp"

#include <cstring>

namespace shipper {

void MapBuilder::finish() {
  std::string& b = w_.buffer();
  if (count_ <= 15) {
    b[header_] = static_cast<char>(0x80 | count_);
  } else if (count_ <= 0xffff) {
    char h[3] = {'\xde', static_cast<char>(count_ >> 8), static_cast<char>(count_)};
    b.replace(header_, 1, h, 3);
  } else {
    char h[5] = {'\xdf', static_cast<char>(count_ >> 24), static_cast<char>(count_ >> 16),
                 static_cast<char>(count_ >> 8), static_cast<char>(count_)};
    b.replace(header_, 1, h, 5);
  }
}

std::string ScalarValue::to_s() const {
  switch (kind) {
    case Kind::kString:
      return std::string(str);
    case Kind::kInteger:
      return std::to_string(i);
    case Kind::kUnsigned:
      return std::to_string(u);
    case Kind::kDouble:
      return ruby_float_to_s(d);
    case Kind::kBool:
      return b ? "true" : "false";
    case Kind::kNil:
      return "";
  }
  return "";
}

bool parse_field_rules(const config::HashValue& types, std::vector<FieldRule>& out,
                       std::string* error) {
  for (const auto& [key, value] : types) {
    FieldRule r;
    r.key = key;
    std::string spec = value.value_or("");
    std::string type = spec.substr(0, spec.find(':'));
    std::string option = spec.find(':') == std::string::npos ? "" : spec.substr(spec.find(':') + 1);
    if (type == "string") {
      r.type = FieldRule::Type::kString;
    } else if (type == "integer") {
      r.type = FieldRule::Type::kInteger;
    } else if (type == "float") {
      r.type = FieldRule::Type::kFloat;
    } else if (type == "bool") {
      r.type = FieldRule::Type::kBool;
    } else if (type == "array") {
      r.type = FieldRule::Type::kArray;
      if (!option.empty()) r.array_delimiter = option;
    } else if (type == "time") {
      r.type = FieldRule::Type::kTime;
      TimeParserConfig tc;
      if (option == "unixtime" || option == "float") {
        tc.time_type = option;
      } else if (!option.empty()) {
        tc.time_format = option;
        // time:TZ:FORMAT – the zone is tried first when it is a valid one.
        for (size_t pos = option.find(':'); pos != std::string::npos;
             pos = option.find(':', pos + 1)) {
          std::string tz = option.substr(0, pos);
          if (TimeZone::parse_fluentd(tz)) {
            tc.timezone = tz;
            tc.time_format = option.substr(pos + 1);
          }
        }
      }
      std::string err;
      r.time_parser = TimeParser::create(tc, &err);
      if (!r.time_parser) {
        if (error) *error = err;
        return false;
      }
    } else {
      if (error) *error = "unknown type: " + spec;
      return false;
    }
    out.push_back(std::move(r));
  }
  return true;
}

ParserCore::ParserCore(const ParserCommonParams& p)
    : time_key_(p.time_key),
      keep_time_key_(p.keep_time_key),
      estimate_current_event_(p.estimate_current_event) {
  TimeParserConfig tc;
  tc.time_type = p.time_type;
  tc.time_format = p.time_format;
  tc.time_format_fallbacks = p.time_format_fallbacks;
  tc.localtime = p.localtime;
  tc.utc = p.utc;
  tc.timezone = p.timezone;
  std::string err;
  time_parser_ = TimeParser::create(tc, &err);
  if (!time_parser_) {  // already reported by the schema's validation; keep a working parser
    tc.timezone.reset();
    time_parser_ = TimeParser::create(tc, &err);
  }
  if (p.types) parse_field_rules(*p.types, rules_, &err);
  if (p.null_value_pattern)
    null_pattern_.emplace(p.null_value_pattern->source,
                          RubyRegexOptions{p.null_value_pattern->ignore_case,
                                           p.null_value_pattern->multiline, false});
  null_empty_string_ = p.null_empty_string;
  processes_values_ = !rules_.empty() || null_pattern_ || null_empty_string_;
}

const FieldRule* ParserCore::rule_for(std::string_view key) const {
  for (const auto& r : rules_)
    if (r.key == key) return &r;
  return nullptr;
}

bool ParserCore::nulls(std::string_view s) const {
  if (null_empty_string_ && s.empty()) return true;
  return null_pattern_ && null_pattern_->ok() && null_pattern_->search(s);
}

namespace {

void write_scalar(MsgpackWriter& w, const ScalarValue& v) {
  switch (v.kind) {
    case ScalarValue::Kind::kString:
      w.str(v.str);
      break;
    case ScalarValue::Kind::kInteger:
      w.integer(v.i);
      break;
    case ScalarValue::Kind::kUnsigned:
      w.uinteger(v.u);
      break;
    case ScalarValue::Kind::kDouble:
      w.floating(v.d);
      break;
    case ScalarValue::Kind::kBool:
      w.boolean(v.b);
      break;
    case ScalarValue::Kind::kNil:
      w.nil();
      break;
  }
}

// Ruby's String#split(sep) for `types x:array`; a single space splits awk-style.
void write_split(MsgpackWriter& w, std::string_view s, const std::string& sep) {
  std::vector<std::string_view> parts;
  if (sep == " ") {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && std::strchr(" \t\n\v\f\r", s[i]) && s[i]) ++i;
      size_t start = i;
      while (i < s.size() && !(std::strchr(" \t\n\v\f\r", s[i]) && s[i])) ++i;
      if (i > start) parts.push_back(s.substr(start, i - start));
    }
  } else {
    size_t start = 0;
    while (true) {
      size_t pos = s.find(sep, start);
      if (pos == std::string_view::npos) {
        parts.push_back(s.substr(start));
        break;
      }
      parts.push_back(s.substr(start, pos - start));
      start = pos + sep.size();
    }
    while (!parts.empty() && parts.back().empty()) parts.pop_back();  // Ruby drops trailing empties
  }
  w.array_header(static_cast<uint32_t>(parts.size()));
  for (auto p : parts) w.str(p);
}

}  // namespace

void ParserCore::write_value(MsgpackWriter& w, std::string_view key, const ScalarValue& v) const {
  if (v.kind == ScalarValue::Kind::kNil || (v.kind == ScalarValue::Kind::kString && nulls(v.str))) {
    w.nil();
    return;
  }
  const FieldRule* rule = rules_.empty() ? nullptr : rule_for(key);
  if (!rule) {
    write_scalar(w, v);
    return;
  }
  switch (rule->type) {
    case FieldRule::Type::kString: {
      std::string s = v.to_s();
      w.str(s);
      return;
    }
    case FieldRule::Type::kInteger:
      switch (v.kind) {
        case ScalarValue::Kind::kString:
          w.integer(ruby_to_i(v.str));
          return;
        case ScalarValue::Kind::kDouble:
          w.integer(static_cast<int64_t>(v.d));
          return;
        default:
          write_scalar(w, v);
          return;
      }
    case FieldRule::Type::kFloat:
      switch (v.kind) {
        case ScalarValue::Kind::kString:
          w.floating(ruby_to_f(v.str));
          return;
        case ScalarValue::Kind::kInteger:
          w.floating(static_cast<double>(v.i));
          return;
        case ScalarValue::Kind::kUnsigned:
          w.floating(static_cast<double>(v.u));
          return;
        default:
          write_scalar(w, v);
          return;
      }
    case FieldRule::Type::kBool: {
      std::string s = v.to_s();
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      w.boolean(s == "true" || s == "yes" || s == "1");
      return;
    }
    case FieldRule::Type::kTime: {
      EventTime t;
      bool ok = false;
      if (v.kind == ScalarValue::Kind::kString)
        ok = rule->time_parser->parse(v.str, t, nullptr);
      else if (v.kind == ScalarValue::Kind::kInteger)
        ok = rule->time_parser->parse_integer(v.i, t, nullptr);
      else if (v.kind == ScalarValue::Kind::kDouble)
        ok = rule->time_parser->parse_double(v.d, t, nullptr);
      if (ok)
        w.event_time(t);
      else
        w.nil();
      return;
    }
    case FieldRule::Type::kArray: {
      std::string s = v.to_s();
      write_split(w, s, rule->array_delimiter);
      return;
    }
  }
}

bool ParserCore::parse_time(const ScalarValue& v, EventTime& time, std::string* error) const {
  switch (v.kind) {
    case ScalarValue::Kind::kString:
      return time_parser_->parse(v.str, time, error);
    case ScalarValue::Kind::kInteger:
      return time_parser_->parse_integer(v.i, time, error);
    case ScalarValue::Kind::kUnsigned:
      return time_parser_->parse_integer(static_cast<int64_t>(v.u), time, error);
    case ScalarValue::Kind::kDouble:
      return time_parser_->parse_double(v.d, time, error);
    case ScalarValue::Kind::kBool:
    case ScalarValue::Kind::kNil:
      if (error) {
        *error = time_parser_->time_type() == "string"
                     ? "value must be string: " + v.to_s()
                     : "invalid time value: " +
                           std::string(v.kind == ScalarValue::Kind::kNil ? "nil" : v.to_s());
      }
      return false;
  }
  return false;
}

ParseResult ParserCore::finish(bool has_time) const {
  if (has_time) return parse_ok(true);
  if (estimate_current_event_) return parse_ok(false);
  return not_matched();
}

}  // namespace shipper

namespace shipper {

ParseResult write_text_record(const ParserCore& core, std::vector<TextField>& fields,
                              EventTime& time, MsgpackWriter& w) {
  // Ruby hash: a later duplicate overwrites the earlier value in place.
  for (size_t i = 1; i < fields.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (fields[j].key == fields[i].key && fields[i].key.data() != nullptr) {
        fields[j].value = fields[i].value;
        fields[i].key = std::string_view();
        fields[i].value.reset();
        fields[i].key = std::string_view(nullptr, 0);
        break;
      }
    }
  }
  size_t mark = w.size();
  MapBuilder map(w);
  bool has_time = false;
  for (const auto& f : fields) {
    if (f.key.data() == nullptr) continue;  // merged into an earlier duplicate
    if (core.is_time_key(f.key)) {
      std::string err;
      ScalarValue v = f.value ? ScalarValue::string(*f.value) : ScalarValue::nil();
      if (!core.parse_time(v, time, &err)) {
        w.buffer().resize(mark);
        return parse_error(err);
      }
      has_time = true;
      if (!core.keep_time_key()) continue;
    }
    map.key(f.key);
    core.write_value(w, f.key, f.value ? ScalarValue::string(*f.value) : ScalarValue::nil());
  }
  map.finish();
  ParseResult r = core.finish(has_time);
  if (r.code != ParseResult::Code::kOk) w.buffer().resize(mark);
  return r;
}

}  // namespace shipper
