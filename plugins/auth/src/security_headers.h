// Headers that make browsers treat our responses safely.
#pragma once

#include <string_view>
#include <vector>

#include "http_types.h"

namespace sr::auth {

// No inline script or style, nothing from other origins, never framed.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// HTTPS only from now on, for a year: browsers then refuse plain HTTP (and certificate
// warnings) for this host, so a network attacker cannot strip TLS.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

// Headers every response of `content_type` should carry: nosniff always; for HTML also the
// CSP, Referrer-Policy and X-Frame-Options; over TLS (`tls`) also Strict-Transport-Security.
std::vector<HeaderField> SecurityHeadersFor(std::string_view content_type, bool tls);

}  // namespace sr::auth
