#include "http/exchange_flow.h"

#include <spdlog/spdlog.h>

#include <optional>

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
  std::optional<ResponseState> denied;
  std::optional<ResponseState> abstained;
  std::string missing;
  for (const GuardTerm& term : guard.terms) {
    const GuardEntry* entry = core.FindGuard(term.name);
    if (entry == nullptr) {
      if (core.config().missing_guards == MissingGuardPolicy::kAllow) return true;
      if (missing.empty()) missing = term.name;
      continue;
    }
    exchange.response = ResponseState{};
    int32_t decision = SR_GUARD_DENY;
    try {
      decision = entry->fn(entry->ctx, &exchange.request_handle, &exchange.response_handle,
                           sr_str{term.argument.data(), term.argument.size()});
    } catch (...) {
      spdlog::error("[{}] guard '{}' threw; denying", entry->owner, term.name);
      decision = SR_GUARD_DENY;
    }
    if (decision == SR_GUARD_ALLOW) {
      exchange.response = ResponseState{};
      return true;
    }
    if (decision == SR_GUARD_ABSTAIN) {
      // Among guards without credentials, a redirect (to a login page) beats a 401: it is
      // what a browser needs, and a guard only redirects requests that come from one.
      ResponseState response = exchange.TakeResponse();
      bool redirect = response.status >= 300 && response.status < 400;
      bool current_redirect = abstained && abstained->status >= 300 && abstained->status < 400;
      if (!abstained || (redirect && !current_redirect)) abstained = std::move(response);
    } else if (!denied) {
      denied = exchange.TakeResponse();
    }
  }
  std::optional<ResponseState>& chosen = denied ? denied : abstained;
  exchange.response = ResponseState{};
  if (chosen && chosen->touched && chosen->status >= 300) {
    exchange.response = std::move(*chosen);
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
  } else if (!denied && !abstained && !missing.empty()) {
    SetErrorResponse(exchange, 503,
                     "this route needs the '" + missing +
                         "' guard, which no enabled plugin provides; enable the plugin that "
                         "provides it");
  } else {
    SetErrorResponse(exchange, 401, "authentication required");
  }
  return false;
}

void InvokeHandler(Exchange& exchange) {
  const Route& route = *exchange.route;
  sr_status status = SR_ERR_INTERNAL;
  try {
    status = route.handler(route.ctx, &exchange.request_handle, &exchange.response_handle);
  } catch (const std::exception& e) {
    spdlog::error("[{}] handler of {} {} threw: {}", PluginName(exchange), route.method,
                  route.pattern, e.what());
    status = SR_ERR_INTERNAL;
    if (exchange.phase.load() == Exchange::Phase::kHandling) {
      SetErrorResponse(exchange, 500, "internal error");
    }
  } catch (...) {
    spdlog::error("[{}] handler of {} {} threw", PluginName(exchange), route.method, route.pattern);
    status = SR_ERR_INTERNAL;
    if (exchange.phase.load() == Exchange::Phase::kHandling) {
      SetErrorResponse(exchange, 500, "internal error");
    }
  }
  if (status != SR_OK && exchange.phase.load() == Exchange::Phase::kHandling &&
      exchange.response.status < 400) {
    SetErrorResponse(exchange, 500, "the handler failed");
  }
}

void RunResponseFilters(ServerCore& core, Exchange& exchange) {
  for (const FilterEntry& filter : core.filters()) {
    try {
      filter.fn(filter.ctx, &exchange.request_handle, &exchange.response_handle);
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
  // Only a JSON body can carry {"error": "..."}; an HTML page is logged by its status.
  bool json = response.content_type.rfind("application/json", 0) == 0;
  size_t key = json ? body.find("\"error\"") : std::string_view::npos;
  if (key != std::string_view::npos) {
    size_t at = key + 7;
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (at < body.size() && body[at] == ':') {
      ++at;
      while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
      if (at < body.size() && body[at] == '"') {
        std::string message;
        for (size_t i = at + 1; i < body.size() && body[i] != '"'; ++i) {
          if (body[i] == '\\' && i + 1 < body.size()) ++i;
          message += body[i];
        }
        if (!message.empty()) return message.substr(0, 512);
      }
    }
  }
  return std::string(ReasonPhrase(response.status));
}

}  // namespace sr::host
