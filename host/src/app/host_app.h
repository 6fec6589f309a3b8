#pragma once

#include "app/command_line.h"

namespace sr::host {

// Runs the host: configuration, plugins, the server, and a graceful shutdown on SIGTERM or
// SIGINT. Returns the process exit status.
int RunHost(const CommandLine& command_line);

}  // namespace sr::host
