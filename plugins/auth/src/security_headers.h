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

// Headers every response of `content_type` should carry: nosniff always; for HTML also the
// CSP, Referrer-Policy and X-Frame-Options.
std::vector<HeaderField> SecurityHeadersFor(std::string_view content_type);

}  // namespace sr::auth
