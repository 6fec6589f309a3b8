#include "plugins/plugin_search.h"

namespace sr::host {

std::filesystem::path ExecutableDir() {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::current_path() : self.parent_path();
}

std::string DefaultPluginPath(const std::string& file) {
  std::filesystem::path exe_dir = ExecutableDir();
  // SR_PLUGINDIR_FROM_BINDIR comes from the install layout (cmake/SrInstall.cmake).
  const std::filesystem::path candidates[] = {exe_dir.parent_path() / "plugins" / file,
                                              exe_dir / SR_PLUGINDIR_FROM_BINDIR / file};
  for (const auto& candidate : candidates) {
    if (std::filesystem::exists(candidate)) return candidate.lexically_normal().string();
  }
  return candidates[0].lexically_normal().string();
}

}  // namespace sr::host
