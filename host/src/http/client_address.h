#pragma once

#include <string>
#include <string_view>

#include <sr/cidr.hpp>

#include "http/request_head.h"

namespace sr::host {

// The address of the client behind a request. X-Forwarded-For is believed only when the TCP
// peer is one of `trusted_proxies`: then the client is the right-most address of the header
// (all X-Forwarded-For headers, in order) that is not itself a trusted proxy; everything to
// its left was written by parties nobody vouches for. If every entry is a trusted proxy, the
// left-most one is the client. A malformed or empty entry met on the way makes the whole
// header unusable: the peer is the client. Returns the peer when nothing applies.
std::string ResolveClientIp(const std::string& peer_ip, const RequestHead& head,
                            const sr::net::CidrSet& trusted_proxies);

}  // namespace sr::host
