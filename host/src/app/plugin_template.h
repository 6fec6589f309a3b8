#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sr::host {

// One file of a new plugin's folder: a path relative to the folder, and its text.
struct TemplateFile {
  std::string name;
  std::string text;
};

// The files of `spawner-master --new-plugin ID`: an out-of-tree plugin that builds against
// the installed SDK (find_package(SpawnerRegistry)), with a route, a config key, a unit test
// under sr::testing::FakeHost and a README. `id` must be a valid plugin id that starts with
// a letter (it also names the C++ class); `error` says why not.
bool IsTemplateName(const std::string& id, std::string& error);
std::vector<TemplateFile> PluginTemplate(const std::string& id);

// Writes the template into `dir`, which must not exist or be empty (nothing is overwritten).
// Returns false with `error` set when it cannot.
bool WritePluginTemplate(const std::string& id, const std::filesystem::path& dir,
                         std::string& error);

}  // namespace sr::host
