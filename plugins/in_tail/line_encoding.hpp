#pragma once
// `from_encoding F` + `encoding X` (spec §1.6): lines are transcoded F→X with glibc iconv. A
// line that fails to convert is converted again replacing every invalid or undefined sequence,
// as Ruby's encode(invalid: :replace, undef: :replace) does: U+FFFD for Unicode targets, "?"
// otherwise. `encoding` alone only labels the bytes, so it needs no converter.
#include <iconv.h>

#include <string>
#include <string_view>

#include "core/status.hpp"

namespace shipper::in_tail {

// Ruby's encoding names mapped to iconv's ("ASCII-8BIT"/"BINARY" have no iconv name: "").
std::string iconv_name(std::string_view ruby_name);
// Whether iconv knows this encoding (for configuration checks).
bool encoding_supported(std::string_view ruby_name);

class LineConverter {
 public:
  LineConverter() = default;
  ~LineConverter();
  LineConverter(const LineConverter&) = delete;
  LineConverter& operator=(const LineConverter&) = delete;

  Status open(std::string_view from, std::string_view to);
  bool active() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  // Converts `in` into `out` (replaced); returns the number of sequences replaced.
  size_t convert(std::string_view in, std::string& out);

 private:
  bool run(std::string_view in, std::string& out, bool replace, size_t* replaced);
  iconv_t cd_ = reinterpret_cast<iconv_t>(-1);
  std::string replacement_;
  bool from_utf8_ = false;
};

}  // namespace shipper::in_tail
