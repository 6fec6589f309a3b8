#pragma once

#include <string>

namespace sr::host {

class Exchange;
class ServerCore;

// Steps of an exchange that involve plugin code. Each one is a barrier: whatever a plugin
// does (throw, forget to answer), the exchange ends with a well-formed response.

// Sets `status` with the JSON body {"error": message}, recorded for the error log.
void SetErrorResponse(Exchange& exchange, int status, const std::string& message);
// Asks the route's guards; true when the request may proceed. Otherwise the response is set.
bool RunGuards(ServerCore& core, Exchange& exchange);
// Calls the route's handler.
void InvokeHandler(Exchange& exchange);
// Lets every response filter see the response.
void RunResponseFilters(ServerCore& core, Exchange& exchange);
// Extracts the message of an error response: what the plugin recorded, the "error" field of
// a JSON body, or the reason phrase.
std::string ErrorMessageOf(const Exchange& exchange);

}  // namespace sr::host
