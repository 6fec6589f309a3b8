#include "http/exchange_flow.h"

#include <spdlog/spdlog.h>
#include <sr/http/error_message.hpp>

#include "http/exchange.h"
#include "http/server_core.h"
#include "http/status_text.h"
#include "util/strings.h"

namespace sr::host {

namespace {

std::string PluginName(const Exchange& exchange) {
  return exchange.route != nullptr && !exchange.route->owner_id.empty() ? exchange.route->owner_id
                                                                        : "host";
}

}  // namespace

void SetErrorResponse(Exchange& exchange, int status, const std::string& message) {
  ResponseState& response = exchange.response;
  response.status = status;
  response.content_type = "application/json";
  response.body = ResponseBody{};
  response.body.kind = ResponseBody::Kind::kBytes;
  response.body.bytes = JsonError(message);
  response.error_message = message;
  response.touched = true;
}

bool RunGuards(ServerCore& core, Exchange& exchange) {
  const GuardExpression& guard = exchange.route->guard;
  if (guard.is_public()) return true;
  sr::http::GuardArbiter<ResponseState> arbiter;
  for (const GuardTerm& term : guard.terms) {
    const GuardEntry* entry = core.FindGuard(term.name);
    if (entry == nullptr) {
      if (core.config().missing_guards == MissingGuardPolicy::kAllow) return true;
      arbiter.Missing(term.name);
      continue;
    }
    exchange.response = ResponseState{};
    GuardDecision decision = GuardDecision::kDeny;
    try {
      decision = entry->fn(exchange, term.argument);
    } catch (...) {
      spdlog::error("[{}] guard '{}' threw; denying", entry->owner, term.name);
      decision = GuardDecision::kDeny;
    }
    if (decision == GuardDecision::kAllow) {
      exchange.response = ResponseState{};
      return true;
    }
    if (decision == GuardDecision::kAbstain) {
      arbiter.Abstained(exchange.TakeResponse());
    } else {
      arbiter.Denied(exchange.TakeResponse());
    }
  }
  exchange.response = ResponseState{};
  switch (arbiter.Conclude()) {
    case sr::http::GuardArbiter<ResponseState>::Outcome::kGuardResponse:
      exchange.response = arbiter.TakeChosen();
      if (exchange.response.body.kind == ResponseBody::Kind::kNone &&
          exchange.response.status >= 400) {
        std::string message = exchange.response.error_message.empty()
                                  ? std::string(ReasonPhrase(exchange.response.status))
                                  : exchange.response.error_message;
        int status = exchange.response.status;
        auto headers = std::move(exchange.response.headers);
        SetErrorResponse(exchange, status, message);
        exchange.response.headers = std::move(headers);
      }
      break;
    case sr::http::GuardArbiter<ResponseState>::Outcome::kMissingGuard:
      SetErrorResponse(exchange, 503, sr::http::MissingGuardMessage(arbiter.missing()));
      break;
    case sr::http::GuardArbiter<ResponseState>::Outcome::kUnauthorized:
      SetErrorResponse(exchange, 401, std::string(sr::http::kAuthenticationRequired));
      break;
  }
  return false;
}

void InvokeHandler(Exchange& exchange) {
  const Route& route = *exchange.route;
  bool ok = false;
  try {
    ok = route.handler(exchange);
  } catch (const std::exception& e) {
    spdlog::error("[{}] handler of {} {} threw: {}", PluginName(exchange), route.method,
                  route.pattern, e.what());
    ok = false;
    if (exchange.phase.load() == Exchange::Phase::kHandling) {
      SetErrorResponse(exchange, 500, "internal error");
    }
  } catch (...) {
    spdlog::error("[{}] handler of {} {} threw", PluginName(exchange), route.method, route.pattern);
    ok = false;
    if (exchange.phase.load() == Exchange::Phase::kHandling) {
      SetErrorResponse(exchange, 500, "internal error");
    }
  }
  if (!ok && exchange.phase.load() == Exchange::Phase::kHandling &&
      exchange.response.status < 400) {
    SetErrorResponse(exchange, 500, "the handler failed");
  }
}

void RunResponseFilters(ServerCore& core, Exchange& exchange) {
  for (const FilterEntry& filter : core.filters()) {
    try {
      filter.fn(exchange);
    } catch (...) {
      spdlog::error("[{}] response filter threw", filter.owner);
    }
  }
}

std::string ErrorMessageOf(const Exchange& exchange) {
  const ResponseState& response = exchange.response;
  if (!response.error_message.empty()) return response.error_message;
  std::string_view body;
  if (response.body.kind == ResponseBody::Kind::kBytes) body = response.body.bytes;
  if (response.body.kind == ResponseBody::Kind::kShared) {
    body = std::string_view(response.body.shared_data, response.body.shared_size);
  }
  return sr::http::ErrorMessageFromBody(response.content_type, body, response.status);
}

}  // namespace sr::host
