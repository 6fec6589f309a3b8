#include "security_headers.h"

#include "text.h"

namespace sr::auth {

std::vector<HeaderField> SecurityHeadersFor(std::string_view content_type, bool tls) {
  std::vector<HeaderField> headers{{"X-Content-Type-Options", "nosniff"}};
  if (tls) headers.push_back({"Strict-Transport-Security", std::string(kStrictTransportSecurity)});
  if (StartsWithIgnoreCase(TrimSpaces(content_type), "text/html")) {
    headers.push_back({"Content-Security-Policy", std::string(kContentSecurityPolicy)});
    headers.push_back({"Referrer-Policy", "same-origin"});
    headers.push_back({"X-Frame-Options", "DENY"});
  }
  return headers;
}

}  // namespace sr::auth
