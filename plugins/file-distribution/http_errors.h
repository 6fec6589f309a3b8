// How the plugin's failures reach clients: one status per kind, JSON {"error": ...}.
#pragma once

#include <sr/plugin.hpp>

#include "result.h"

namespace sr::file_distribution {

int HttpStatus(ErrorKind kind);

// {"error": message}, plus "received" for offset conflicts and Retry-After for transient
// failures.
void WriteError(sr::Response& response, const Error& error);

// The request's user as the auth plugin's guards set it, for audit entries.
std::string Actor(const sr::Request& request);

}  // namespace sr::file_distribution
