#include "http_bridge.h"

#include <chrono>
#include <memory>
#include <utility>

#include "cookies.h"

namespace sr::auth {

RequestFacts FactsOf(const sr::Request& request, bool secure_cookies) {
  RequestFacts facts;
  facts.method = request.Method();
  facts.path = request.Path();
  facts.query = request.Query();
  facts.client_ip = request.ClientIp();
  facts.secure = request.IsSecure();
  facts.api_key = PresentedApiKey(request.Header("X-API-Key"), request.Header("Authorization"));
  facts.session_cookie = request.Cookie(SessionCookieName(facts.secure || secure_cookies));
  facts.csrf_token = request.Header("X-CSRF-Token");
  facts.origin = request.Header("Origin");
  facts.referer = request.Header("Referer");
  facts.host = request.Header("Host");
  facts.accept = request.Header("Accept");
  facts.content_type = request.Header("Content-Type");
  return facts;
}

RequestFacts ApiKeyFactsOf(const sr::Request& request) {
  RequestFacts facts;
  facts.client_ip = request.ClientIp();
  facts.api_key = PresentedApiKey(request.Header("X-API-Key"), request.Header("Authorization"));
  return facts;
}

Caller CallerOf(const sr::Request& request) {
  Caller caller;
  caller.user = std::string(request.Attribute("user").value_or(""));
  caller.role = std::string(request.Attribute("role").value_or(""));
  caller.auth = std::string(request.Attribute("auth").value_or(""));
  caller.csrf = std::string(request.Attribute("csrf").value_or(""));
  return caller;
}

void WriteReply(const HttpReply& reply, sr::Response& response) {
  for (const HeaderField& header : reply.headers) response.AddHeader(header.name, header.value);
  if (reply.error) {
    response.Error(reply.status, *reply.error);
  } else if (reply.content_type.empty()) {
    response.SetStatus(reply.status);
  } else {
    response.Send(reply.status, reply.body, reply.content_type);
  }
}

void DeliverReply(sr::Host& host, HttpReply reply, sr::Request& request, sr::Response& response) {
  if (reply.delay_ms <= 0) {
    WriteReply(reply, response);
    return;
  }
  std::shared_ptr<sr::DeferredResponse> deferred = host.Defer(request, response);
  std::chrono::milliseconds delay(reply.delay_ms);
  host.Run(
      "auth delayed reply",
      [deferred, reply = std::move(reply)] {
        WriteReply(reply, deferred->response());
        deferred->Complete();
      },
      delay);
}

int32_t ApplyVerdict(const GuardVerdict& verdict, sr::Request& request, sr::Response& response) {
  switch (verdict.decision) {
    case GuardVerdict::Decision::kAllow:
      for (const HeaderField& attribute : verdict.granted()) {
        request.SetAttribute(attribute.name, attribute.value);
      }
      return SR_GUARD_ALLOW;
    case GuardVerdict::Decision::kAbstain:
      WriteReply(verdict.reply, response);
      return SR_GUARD_ABSTAIN;
    case GuardVerdict::Decision::kDeny:
      break;
  }
  WriteReply(verdict.reply, response);
  return SR_GUARD_DENY;
}

}  // namespace sr::auth
