#pragma once

#include <filesystem>
#include <string>

namespace sr::host {

// Where a plugin listed without `path` is looked for when server.plugin_dir is not set,
// relative to the running executable so that a build tree and an installed tree (any
// prefix) both work without configuration: <exe dir>/../plugins (the build tree), then the
// install layout's plugin folder as seen from bin/ (lib/spawner-registry/plugins). The first
// that holds the file wins; neither: the build tree's path, which the loader's error names.
std::string DefaultPluginPath(const std::string& file);

// The folder of the running executable (/proc/self/exe); the working directory if unknown.
std::filesystem::path ExecutableDir();

}  // namespace sr::host
