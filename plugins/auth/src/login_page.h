// The sign-in page and its stylesheet. The page carries no script and no inline style, so it
// works under the plugin's Content-Security-Policy, and it never shows a credential.
#pragma once

#include <string>
#include <string_view>

namespace sr::auth {

struct LoginPageModel {
  std::string next;     // where to go after signing in (already validated)
  std::string email;    // pre-filled after a failure
  std::string message;  // shown after a failure
};

std::string RenderLoginPage(const LoginPageModel& model);

// Served at /login.css.
std::string_view LoginStylesheet();

}  // namespace sr::auth
