#pragma once

namespace sr::host {

class ServerCore;
class PluginHealth;

// The routes the host serves itself: GET /health, which says "degraded" while a plugin reports
// it cannot do its work (ABI 1.4 health_set). `health` must outlive the server.
void RegisterHostRoutes(ServerCore& core, const PluginHealth& health);

}  // namespace sr::host
