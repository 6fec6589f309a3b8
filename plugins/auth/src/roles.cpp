#include "roles.h"

namespace sr::auth {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSpawner:
      return "spawner";
    case Role::kViewer:
      return "viewer";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> ParseUserRole(std::string_view text) {
  if (text == "viewer") return Role::kViewer;
  if (text == "operator") return Role::kOperator;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::optional<Role> ParseKeyRole(std::string_view text) {
  if (text == "spawner") return Role::kSpawner;
  if (text == "operator") return Role::kOperator;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

bool RoleAtLeast(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

}  // namespace sr::auth
