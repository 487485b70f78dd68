#pragma once
// A small Status / Result<T> for the data path, where exceptions are not used.
#include <string>
#include <utility>
#include <variant>

namespace shipper {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad data or bad value
  kNotFound,
  kIoError,
  kBufferFull,       // back-pressure: the caller must retry later, nothing was taken
  kUnavailable,      // destination down
  kCorrupt,
  kUnsupported,
  kInternal,
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status ok() { return {}; }
  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status error(StatusCode code, std::string message) { return {code, std::move(message)}; }

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const Status& status() const {
    static const Status ok_status;
    return is_ok() ? ok_status : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace shipper
