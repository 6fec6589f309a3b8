#include "cookies.h"

namespace sr::auth {

namespace {
std::string Attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}
}  // namespace

std::string_view SessionCookieName(bool secure) {
  return secure ? kSecureSessionCookieName : kSessionCookieName;
}

std::string SessionCookie(std::string_view token, std::int64_t max_age_s, bool secure) {
  return std::string(SessionCookieName(secure)) + "=" + std::string(token) +
         "; Max-Age=" + std::to_string(max_age_s) + Attributes(secure);
}

std::string ExpiredSessionCookie(bool secure) {
  return std::string(SessionCookieName(secure)) + "=; Max-Age=0" + Attributes(secure);
}

}  // namespace sr::auth
