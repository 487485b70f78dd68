#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "io/forward/msgpack_scanner.hpp"

namespace shipper::forward::test {

inline std::string read_fixture(const std::string& rel) {
  std::ifstream f(std::string(SHIPPER_FIXTURES_DIR) + "/forward/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Splits a byte stream into complete msgpack objects with the scanner.
inline std::vector<std::string> split_objects(const std::string& bytes, uint64_t limit = 1 << 30) {
  std::vector<std::string> out;
  MsgpackScanner scanner(limit);
  size_t off = 0;
  while (off < bytes.size()) {
    size_t used = 0;
    auto r = scanner.scan(bytes.data() + off, bytes.size() - off, &used);
    if (r != MsgpackScanner::Result::kComplete) break;
    out.push_back(bytes.substr(off, used));
    off += used;
    scanner.reset();
  }
  return out;
}

}  // namespace shipper::forward::test
