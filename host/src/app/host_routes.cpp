#include "app/host_routes.h"

#include <string_view>

#include "http/exchange.h"
#include "http/server_core.h"

namespace sr::host {

namespace {

bool Health(Exchange& exchange) {
  static constexpr std::string_view kBody = "{\"status\":\"healthy\"}";
  ResponseState& state = exchange.response;
  state.status = 200;
  state.content_type = "application/json";
  state.body.kind = ResponseBody::Kind::kBytes;
  state.body.bytes = std::string(kBody);
  state.headers.push_back(HeaderField{"Cache-Control", "no-store"});
  return true;
}

}  // namespace

void RegisterHostRoutes(ServerCore& core) {
  Route health;
  health.method = "GET";
  health.pattern = "/health";
  std::string ignored;
  health.guard = *ParseGuardExpression("public", ignored);
  health.handler = &Health;
  core.AddRoute(std::move(health));
}

}  // namespace sr::host
