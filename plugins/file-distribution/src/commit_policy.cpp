#include "commit_policy.h"

namespace sr::file_distribution {

InstallMode CommitInstallMode(std::optional<std::string_view> role, bool operators_can_activate) {
  if (!role || *role == "admin") return InstallMode::kMakeCurrent;
  if (*role == "operator" && operators_can_activate) return InstallMode::kMakeCurrent;
  return InstallMode::kStoreOnly;
}

std::string CommitOutcome(std::string_view version, bool made_current) {
  const std::string build = "build " + std::string(version);
  if (made_current) return build + " is now current";
  return build +
         " is stored but not current: making a build current needs the admin role "
         "(file-distribution's operators_can_activate: true lets operators do it); an admin "
         "makes it current with POST " +
         ActivatePath(version);
}

std::string ActivatePath(std::string_view version) {
  return "/api/builds/" + std::string(version) + "/activate";
}

}  // namespace sr::file_distribution
