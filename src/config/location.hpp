#pragma once
#include <string>

namespace shipper::config {

// Where something was written: file as given (or resolved include path), 1-based line and column.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  bool known() const { return line > 0; }
  std::string to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

}  // namespace shipper::config
