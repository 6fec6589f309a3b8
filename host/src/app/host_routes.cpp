#include "app/host_routes.h"

#include "http/exchange.h"
#include "http/server_core.h"
#include "runtime/plugin_health.h"

namespace sr::host {

namespace {

// Always 200 while the process serves: a degraded master still answers reads from memory, so
// a load balancer should keep it; the body tells operators (and smarter checks) what is wrong.
bool Health(const PluginHealth& health, Exchange& exchange) {
  ResponseState& state = exchange.response;
  state.status = 200;
  state.content_type = "application/json";
  state.body.kind = ResponseBody::Kind::kBytes;
  state.body.bytes = health.HealthJson();
  state.headers.push_back(HeaderField{"Cache-Control", "no-store"});
  return true;
}

}  // namespace

void RegisterHostRoutes(ServerCore& core, const PluginHealth& health) {
  Route route;
  route.method = "GET";
  route.pattern = "/health";
  std::string ignored;
  route.guard = *ParseGuardExpression("public", ignored);
  route.handler = [&health](Exchange& exchange) { return Health(health, exchange); };
  core.AddRoute(std::move(route));
}

}  // namespace sr::host
