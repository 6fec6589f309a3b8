// Where the login page may send a browser afterwards: only paths of this site, never another
// origin (no open redirects).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sr::auth {

inline constexpr std::string_view kDefaultAfterLogin = "/dashboard";

// `next` as a Location value if it is a same-site absolute path ("/dashboard?tab=2");
// nullopt for anything a browser could resolve to another origin ("//evil", "/\evil",
// "https://evil", "javascript:..."), for control characters and for overlong values.
std::optional<std::string> SafeRedirectPath(std::string_view next);

// `next` if safe, else kDefaultAfterLogin.
std::string RedirectAfterLogin(std::string_view next);

// "/login?next=<path and query, encoded>": where a browser without a session is sent.
std::string LoginRedirectLocation(std::string_view path, std::string_view query);

}  // namespace sr::auth
