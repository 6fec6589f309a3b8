#pragma once

#include <sr/abi.h>

#include "http/exchange.h"

// The opaque request and response handles of abi.h, as the plugins layer hands them out: an
// sr_request* or sr_response* is the address of the Exchange it views, so a deferred response
// stays valid as long as its exchange does. The types stay incomplete: nothing dereferences
// them, and host/src/http knows neither them nor abi.h.
namespace sr::host {

inline sr_request* RequestHandle(Exchange& exchange) {
  return reinterpret_cast<sr_request*>(&exchange);
}
inline sr_response* ResponseHandle(Exchange& exchange) {
  return reinterpret_cast<sr_response*>(&exchange);
}
inline Exchange& Of(const sr_request* request) {
  return *reinterpret_cast<Exchange*>(const_cast<sr_request*>(request));
}
inline Exchange& Of(const sr_response* response) {
  return *reinterpret_cast<Exchange*>(const_cast<sr_response*>(response));
}

}  // namespace sr::host
