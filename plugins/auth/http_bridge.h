// Copies between the SDK's request/response and the plugin's plain RequestFacts/HttpReply.
#pragma once

#include <sr/plugin.hpp>

#include "guards.h"
#include "http_types.h"

namespace sr::auth {

RequestFacts FactsOf(const sr::Request& request);
Caller CallerOf(const sr::Request& request);
void WriteReply(const HttpReply& reply, sr::Response& response);
// Records the attributes of an allowed request, or writes the refusal; returns SR_GUARD_*.
int32_t ApplyVerdict(const GuardVerdict& verdict, sr::Request& request, sr::Response& response);

}  // namespace sr::auth
