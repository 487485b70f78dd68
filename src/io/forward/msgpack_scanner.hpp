#pragma once
// Finds where one msgpack object ends in a byte stream that arrives in pieces, without building
// anything and without trusting declared lengths: a str32 header announcing 1 GB, or an array
// header announcing 4 billion elements, is rejected from the header alone when it cannot fit
// the limit. msgpack-cxx's unpacker allocates an object array of the declared element count as
// soon as it reads an array header, so a hostile peer could make it allocate gigabytes; this
// scanner runs first and only complete, bounded objects are handed to the decoders.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace shipper::forward {

class MsgpackScanner {
 public:
  enum class Result { kNeedMore, kComplete, kError };

  explicit MsgpackScanner(uint64_t max_object_bytes, uint32_t max_depth = 64)
      : max_bytes_(max_object_bytes), max_depth_(max_depth) {}

  // Continues scanning the current object with the next bytes. kComplete: the object ends
  // after `*consumed` bytes of this piece (the rest belongs to the next object; call reset()
  // before scanning it). kNeedMore: all `len` bytes were consumed. kError: error() says why.
  Result scan(const char* data, size_t len, size_t* consumed);
  void reset();
  // Bytes of the current object seen so far.
  uint64_t object_bytes() const { return total_; }
  const std::string& error() const { return error_; }

 private:
  Result fail(std::string message);
  bool on_header();  // interprets hdr_; false on error
  bool item_done();  // returns true when the top-level object is complete

  uint64_t max_bytes_;
  uint32_t max_depth_;
  uint64_t total_ = 0;
  uint64_t skip_ = 0;        // payload bytes still to skip
  bool in_payload_ = false;  // skip_ belongs to an item that completes when it reaches 0
  unsigned char hdr_[9] = {};
  size_t hdr_len_ = 0;
  size_t hdr_need_ = 0;
  std::vector<uint64_t> stack_;  // items still expected in each open container
  bool complete_ = false;
  std::string error_;
};

}  // namespace shipper::forward
