// The outcome of an operation that can fail for a reason the caller must tell the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace sr::file_distribution {

enum class ErrorKind {
  kInvalidArgument,      // malformed input
  kNotFound,             // no such upload or build
  kConflict,             // the request does not fit the current state (offset, version taken)
  kUnprocessable,        // the upload is complete but its bytes are wrong
  kTooLarge,             // beyond a configured limit
  kTooMany,              // too many uploads in progress
  kInsufficientStorage,  // the disk cannot hold it
  kUnavailable,          // transient: retry later
  kInternal              // an I/O failure the client cannot fix
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  // For offset conflicts: the bytes the server holds, so that the client can resume.
  std::optional<std::uint64_t> received;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Done {};
using Status = Result<Done>;

inline Error MakeError(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message), std::nullopt};
}

}  // namespace sr::file_distribution
