#include "http_errors.h"

#include "api_json.h"

namespace sr::file_distribution {

int HttpStatus(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kTooLarge:
      return 413;
    case ErrorKind::kUnprocessable:
      return 422;
    case ErrorKind::kTooMany:
      return 429;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kInsufficientStorage:
      return 507;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

void WriteError(sr::Response& response, const Error& error) {
  int status = HttpStatus(error.kind);
  if (error.received) {
    response.Json(status, OffsetConflictJson(error.message, *error.received));
    return;
  }
  if (error.kind == ErrorKind::kUnavailable) response.AddHeader("Retry-After", "1");
  response.Error(status, error.message);
}

std::string Actor(const sr::Request& request) {
  return std::string(request.Attribute("user").value_or("anonymous"));
}

}  // namespace sr::file_distribution
