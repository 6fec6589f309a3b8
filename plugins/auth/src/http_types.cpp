#include "http_types.h"

#include "text.h"

namespace sr::auth {

bool IsBrowserNavigation(const RequestFacts& request) {
  bool safe_method = request.method == "GET" || request.method == "HEAD";
  return safe_method && request.accept && ContainsIgnoreCase(*request.accept, "text/html");
}

bool WantsJson(const RequestFacts& request) {
  if (request.content_type && StartsWithIgnoreCase(*request.content_type, "application/json")) {
    return true;
  }
  if (!request.accept) return false;
  return ContainsIgnoreCase(*request.accept, "application/json") &&
         !ContainsIgnoreCase(*request.accept, "text/html");
}

HttpReply HttpReply::Json(int status, std::string body) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = "application/json";
  reply.body = std::move(body);
  return reply;
}

HttpReply HttpReply::Error(int status, std::string message) {
  HttpReply reply;
  reply.status = status;
  reply.error = std::move(message);
  return reply;
}

HttpReply HttpReply::Html(int status, std::string body) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = "text/html; charset=utf-8";
  reply.body = std::move(body);
  return reply;
}

HttpReply HttpReply::Redirect(std::string location) {
  HttpReply reply;
  reply.status = 303;
  reply.headers.push_back(HeaderField{"Location", std::move(location)});
  return reply;
}

HttpReply& HttpReply::With(std::string name, std::string value) {
  headers.push_back(HeaderField{std::move(name), std::move(value)});
  return *this;
}

}  // namespace sr::auth
