#include "plugins/in_tail/line_encoding.hpp"

#include <cctype>
#include <cerrno>

namespace shipper::in_tail {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_unicode(const std::string& iconv) {
  return iconv.rfind("UTF", 0) == 0 || iconv == "UCS-2";
}

// Length of the valid UTF-8 sequence at p, or 1 when it is not one.
size_t utf8_sequence_length(const char* p, size_t left) {
  auto b = static_cast<unsigned char>(p[0]);
  size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 1;
  if (b >= 0xF5 || n > left) return 1;
  for (size_t i = 1; i < n; ++i)
    if ((static_cast<unsigned char>(p[i]) & 0xC0) != 0x80) return 1;
  return n;
}

}  // namespace

std::string iconv_name(std::string_view ruby_name) {
  std::string n = upper(ruby_name);
  if (n == "ASCII-8BIT" || n == "BINARY") return "";
  if (n == "US-ASCII") return "ASCII";
  if (n == "CP932" || n == "WINDOWS-31J") return "CP932";
  if (n == "EUCJP-MS") return "EUC-JP-MS";
  return n;
}

bool encoding_supported(std::string_view ruby_name) {
  std::string n = iconv_name(ruby_name);
  if (n.empty()) return true;
  iconv_t cd = ::iconv_open(n.c_str(), "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  ::iconv_close(cd);
  return true;
}

LineConverter::~LineConverter() {
  if (active()) ::iconv_close(cd_);
}

Status LineConverter::open(std::string_view from, std::string_view to) {
  std::string f = iconv_name(from), t = iconv_name(to);
  // Binary on either side: Ruby's encode from/to ASCII-8BIT fails for non-ASCII bytes, which
  // are then replaced; iconv has no such encoding, so ASCII stands in for it.
  if (f.empty()) f = "ASCII";
  if (t.empty()) t = "ASCII";
  cd_ = ::iconv_open(t.c_str(), f.c_str());
  from_utf8_ = f == "UTF-8" || f == "UTF8";
  if (!active())
    return error(StatusCode::kInvalidArgument,
                 "cannot convert from " + std::string(from) + " to " + std::string(to));
  // The replacement character in the target encoding.
  const char* rep = is_unicode(t) ? "\xEF\xBF\xBD" : "?";
  iconv_t r = ::iconv_open(t.c_str(), "UTF-8");
  if (r != reinterpret_cast<iconv_t>(-1)) {
    std::string in(rep);
    size_t in_left = in.size();
    char outb[16];
    char* ip = in.data();
    char* op = outb;
    size_t out_left = sizeof outb;
    if (::iconv(r, &ip, &in_left, &op, &out_left) != static_cast<size_t>(-1))
      replacement_.assign(outb, static_cast<size_t>(op - outb));
    ::iconv_close(r);
  }
  if (replacement_.empty()) replacement_ = "?";
  return Status::ok();
}

bool LineConverter::run(std::string_view in, std::string& out, bool replace, size_t* replaced) {
  ::iconv(cd_, nullptr, nullptr, nullptr, nullptr);
  out.clear();
  char* ip = const_cast<char*>(in.data());
  size_t in_left = in.size();
  char buf[4096];
  // Bounded: every round consumes input, emits output, or fails.
  while (true) {
    char* op = buf;
    size_t out_left = sizeof buf;
    size_t rc = in_left ? ::iconv(cd_, &ip, &in_left, &op, &out_left)
                        : ::iconv(cd_, nullptr, nullptr, &op, &out_left);
    out.append(buf, static_cast<size_t>(op - buf));
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) return true;
      continue;
    }
    if (errno == E2BIG) continue;
    // EILSEQ (invalid, or not representable in the target) or EINVAL (truncated at the end).
    if (!replace) return false;
    out += replacement_;
    ++*replaced;
    // An undefined character is replaced whole (one replacement per character, like Ruby);
    // an invalid byte alone.
    size_t skip = from_utf8_ ? utf8_sequence_length(ip, in_left) : 1;
    ip += skip;
    in_left -= skip;
    ::iconv(cd_, nullptr, nullptr, nullptr, nullptr);
    if (in_left == 0) return true;
  }
}

size_t LineConverter::convert(std::string_view in, std::string& out) {
  size_t replaced = 0;
  if (run(in, out, false, &replaced)) return 0;
  run(in, out, true, &replaced);
  return replaced;
}

}  // namespace shipper::in_tail
