#include "io/forward/msgpack_scanner.hpp"

#include <algorithm>

namespace shipper::forward {
namespace {

// Size of the header (type byte plus length/count bytes) for a leading byte; 0 = never used.
size_t header_size(unsigned char b) {
  if (b <= 0xbf || b >= 0xe0) return 1;  // fixint, fixmap, fixarray, fixstr, negative fixint
  switch (b) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return 1;
    case 0xc4:
      return 2;
    case 0xc5:
      return 3;
    case 0xc6:
      return 5;
    case 0xc7:
      return 3;
    case 0xc8:
      return 4;
    case 0xc9:
      return 6;
    case 0xca:
    case 0xcb:
      return 1;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      return 1;
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      return 1;
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return 2;
    case 0xd9:
      return 2;
    case 0xda:
      return 3;
    case 0xdb:
      return 5;
    case 0xdc:
      return 3;
    case 0xdd:
      return 5;
    case 0xde:
      return 3;
    case 0xdf:
      return 5;
    default:
      return 0;  // 0xc1
  }
}

uint64_t be(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

}  // namespace

void MsgpackScanner::reset() {
  total_ = 0;
  skip_ = 0;
  in_payload_ = false;
  hdr_len_ = 0;
  hdr_need_ = 0;
  stack_.clear();
  complete_ = false;
  error_.clear();
}

MsgpackScanner::Result MsgpackScanner::fail(std::string message) {
  error_ = std::move(message);
  return Result::kError;
}

bool MsgpackScanner::item_done() {
  while (!stack_.empty()) {
    if (--stack_.back() > 0) return false;
    stack_.pop_back();
  }
  return true;
}

bool MsgpackScanner::on_header() {
  const unsigned char b = hdr_[0];
  uint64_t payload = 0;
  uint64_t children = 0;
  bool container = false;
  if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
    payload = 0;
  } else if (b <= 0x8f) {
    container = true, children = uint64_t(b & 0x0f) * 2;
  } else if (b <= 0x9f) {
    container = true, children = b & 0x0f;
  } else if (b <= 0xbf) {
    payload = b & 0x1f;
  } else {
    switch (b) {
      case 0xc4:
      case 0xd9:
        payload = hdr_[1];
        break;
      case 0xc5:
      case 0xda:
        payload = be(hdr_ + 1, 2);
        break;
      case 0xc6:
      case 0xdb:
        payload = be(hdr_ + 1, 4);
        break;
      case 0xc7:
        payload = hdr_[1];
        break;
      case 0xc8:
        payload = be(hdr_ + 1, 2);
        break;
      case 0xc9:
        payload = be(hdr_ + 1, 4);
        break;
      case 0xca:
        payload = 4;
        break;
      case 0xcb:
        payload = 8;
        break;
      case 0xcc:
      case 0xd0:
        payload = 1;
        break;
      case 0xcd:
      case 0xd1:
        payload = 2;
        break;
      case 0xce:
      case 0xd2:
        payload = 4;
        break;
      case 0xcf:
      case 0xd3:
        payload = 8;
        break;
      case 0xd4:
        payload = 1;
        break;
      case 0xd5:
        payload = 2;
        break;
      case 0xd6:
        payload = 4;
        break;
      case 0xd7:
        payload = 8;
        break;
      case 0xd8:
        payload = 16;
        break;
      case 0xdc:
        container = true, children = be(hdr_ + 1, 2);
        break;
      case 0xdd:
        container = true, children = be(hdr_ + 1, 4);
        break;
      case 0xde:
        container = true, children = be(hdr_ + 1, 2) * 2;
        break;
      case 0xdf:
        container = true, children = be(hdr_ + 1, 4) * 2;
        break;
      default:
        error_ = "invalid msgpack type byte 0xc1";
        return false;
    }
  }
  if (container) {
    // Every element takes at least one byte, so a count beyond the limit can never fit.
    if (children > max_bytes_ || total_ + children > max_bytes_) {
      error_ = "msgpack container of " + std::to_string(children) + " elements exceeds the " +
               std::to_string(max_bytes_) + "-byte limit";
      return false;
    }
    if (children == 0) {
      complete_ = item_done();
      return true;
    }
    if (stack_.size() >= max_depth_) {
      error_ = "msgpack nesting deeper than " + std::to_string(max_depth_);
      return false;
    }
    stack_.push_back(children);
    return true;
  }
  if (payload > max_bytes_ || total_ + payload > max_bytes_) {
    error_ = "msgpack value of " + std::to_string(payload) + " bytes exceeds the " +
             std::to_string(max_bytes_) + "-byte limit";
    return false;
  }
  if (payload == 0) {
    complete_ = item_done();
  } else {
    skip_ = payload;
    in_payload_ = true;
  }
  return true;
}

MsgpackScanner::Result MsgpackScanner::scan(const char* data, size_t len, size_t* consumed) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  while (i < len) {
    if (in_payload_) {
      uint64_t n = std::min<uint64_t>(skip_, len - i);
      i += n;
      total_ += n;
      skip_ -= n;
      if (skip_ > 0) break;
      in_payload_ = false;
      complete_ = item_done();
    } else {
      if (hdr_len_ == 0) {
        hdr_need_ = header_size(p[i]);
        if (hdr_need_ == 0) return fail("invalid msgpack type byte 0xc1");
      }
      size_t n = std::min(hdr_need_ - hdr_len_, len - i);
      std::copy(p + i, p + i + n, hdr_ + hdr_len_);
      hdr_len_ += n;
      i += n;
      total_ += n;
      if (total_ > max_bytes_)
        return fail("msgpack object exceeds the " + std::to_string(max_bytes_) + "-byte limit");
      if (hdr_len_ < hdr_need_) break;
      hdr_len_ = 0;
      if (!on_header()) return Result::kError;
    }
    if (complete_) {
      *consumed = i;
      return Result::kComplete;
    }
  }
  *consumed = i;
  return Result::kNeedMore;
}

}  // namespace shipper::forward
