#include "app/host_routes.h"

#include <string_view>

#include "http/exchange.h"
#include "http/server_core.h"

namespace sr::host {

namespace {

sr_status Health(void*, sr_request*, sr_response* response) {
  static constexpr std::string_view kBody = "{\"status\":\"healthy\"}";
  ResponseState& state = response->exchange->response;
  state.status = 200;
  state.content_type = "application/json";
  state.body.kind = ResponseBody::Kind::kBytes;
  state.body.bytes = std::string(kBody);
  state.headers.push_back(HeaderField{"Cache-Control", "no-store"});
  return SR_OK;
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
