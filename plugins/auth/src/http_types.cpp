#include "http_types.h"

#include "text.h"

namespace sr::auth {

std::optional<std::string_view> BearerCredential(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  std::string_view value = TrimSpaces(authorization);
  if (!StartsWithIgnoreCase(value, kScheme)) return std::nullopt;
  std::string_view credential = TrimSpaces(value.substr(kScheme.size()));
  if (credential.empty()) return std::nullopt;
  return credential;
}

std::optional<std::string_view> PresentedApiKey(std::optional<std::string_view> x_api_key,
                                                std::optional<std::string_view> authorization) {
  if (x_api_key && !x_api_key->empty()) return x_api_key;
  if (authorization) return BearerCredential(*authorization);
  return std::nullopt;
}

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
