// Copies between the SDK's request/response and the plugin's plain RequestFacts/HttpReply.
#pragma once

#include <sr/plugin.hpp>

#include "guards.h"
#include "http_types.h"

namespace sr::auth {

// `secure_cookies`: the configuration's; with it (or over TLS) only the "__Host-" cookie counts.
RequestFacts FactsOf(const sr::Request& request, bool secure_cookies);
// Only what ApiKeyGuard::Check reads (the presented key and the client address): the guard of
// every spawner call reads two headers instead of nine and a cookie.
RequestFacts ApiKeyFactsOf(const sr::Request& request);
Caller CallerOf(const sr::Request& request);
// Writes the reply at once, ignoring reply.delay_ms.
void WriteReply(const HttpReply& reply, sr::Response& response);
// Writes the reply, after reply.delay_ms when set: then the response is deferred and a
// one-shot task completes it, so no thread waits meanwhile.
void DeliverReply(sr::Host& host, HttpReply reply, sr::Request& request, sr::Response& response);
// Records the attributes of an allowed request, or writes the refusal; returns SR_GUARD_*.
int32_t ApplyVerdict(const GuardVerdict& verdict, sr::Request& request, sr::Response& response);

}  // namespace sr::auth
