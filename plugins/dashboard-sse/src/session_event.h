#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sr::dashboard {

// The session id of an `auth.session_ended` payload ({"session":"<sid>","user":...,
// "reason":...}); nothing for a payload without a non-empty string `session`.
std::optional<std::string> EndedSessionId(std::string_view payload);

}  // namespace sr::dashboard
