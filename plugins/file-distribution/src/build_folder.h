// The folder the plugin serves from, opened once:
//   <dir>/game_server.zip      the current build (served; may also be placed by hand)
//   <dir>/builds/<version>.zip the kept builds, and builds/index.json describing them
//   <dir>/.uploads/<id>.part   uploads in progress, each with <id>.json beside it
// Every later file operation is relative to these open folders.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "unique_fd.h"

namespace sr::file_distribution {

inline constexpr char kServedFileName[] = "game_server.zip";
inline constexpr char kBuildsFolderName[] = "builds";
inline constexpr char kUploadsFolderName[] = ".uploads";
inline constexpr char kIndexFileName[] = "index.json";

class BuildFolder {
 public:
  // Creates what is missing and removes temporary files a crash left behind. `warnings`
  // receives what was cleaned.
  static Result<BuildFolder> Open(const std::filesystem::path& dir,
                                  std::vector<std::string>& warnings);

  const std::filesystem::path& path() const { return path_; }  // absolute
  int root_fd() const { return root_.get(); }
  int builds_fd() const { return builds_.get(); }
  int uploads_fd() const { return uploads_.get(); }

 private:
  BuildFolder(std::filesystem::path path, UniqueFd root, UniqueFd builds, UniqueFd uploads)
      : path_(std::move(path)),
        root_(std::move(root)),
        builds_(std::move(builds)),
        uploads_(std::move(uploads)) {}

  std::filesystem::path path_;
  UniqueFd root_;
  UniqueFd builds_;
  UniqueFd uploads_;
};

// Names of the entries of an open folder (without "." and "..").
Result<std::vector<std::string>> ListFolder(int folder_fd);

}  // namespace sr::file_distribution
