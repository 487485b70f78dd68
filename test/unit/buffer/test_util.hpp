#pragma once
// Helpers for the buffer tests: temp directories and reading files.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace buffer_test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/shipper-buffer-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

inline std::string fixture_dir() {
  return std::string(SHIPPER_FIXTURES_DIR) + "/buffer/fluentd-1.18-buffer";
}

}  // namespace buffer_test
