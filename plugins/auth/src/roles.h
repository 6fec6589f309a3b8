// Roles of dashboard users and API keys, and how they rank.
#pragma once

#include <optional>
#include <string_view>

namespace sr::auth {

// Ordered by what they may do: a higher role includes every lower one. `kSpawner` exists only
// for API keys (the spawners' own key), `kViewer` only for users.
enum class Role { kSpawner = 0, kViewer = 1, kOperator = 2, kAdmin = 3 };

std::string_view RoleName(Role role);
// "viewer", "operator", "admin".
std::optional<Role> ParseUserRole(std::string_view text);
// "spawner", "operator", "admin".
std::optional<Role> ParseKeyRole(std::string_view text);
bool RoleAtLeast(Role have, Role need);

}  // namespace sr::auth
