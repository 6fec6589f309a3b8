#pragma once

namespace sr::host {

class ServerCore;

// The routes the host serves itself: GET /health.
void RegisterHostRoutes(ServerCore& core);

}  // namespace sr::host
