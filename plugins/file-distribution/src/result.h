// The outcome of an operation that can fail for a reason the caller must tell the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <tl/expected.hpp>

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
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

// An error to return as any Result or Status.
inline tl::unexpected<Error> MakeError(ErrorKind kind, std::string message) {
  return tl::make_unexpected(Error{kind, std::move(message), std::nullopt});
}

}  // namespace sr::file_distribution
