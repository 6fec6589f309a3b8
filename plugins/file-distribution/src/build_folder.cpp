#include "build_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <system_error>

#include "durable_file.h"

namespace sr::file_distribution {

namespace {

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

void RemoveTempFiles(int folder_fd, std::string_view folder_name,
                     std::vector<std::string>& warnings) {
  Result<std::vector<std::string>> names = ListFolder(folder_fd);
  if (!names.has_value()) {
    warnings.push_back(names.error().message);
    return;
  }
  for (const std::string& name : names.value()) {
    if (!IsTempName(name)) continue;
    RemoveFile(folder_fd, name);
    warnings.push_back("removed " + std::string(folder_name) + name +
                       ", left by an interrupted write");
  }
}

}  // namespace

Result<BuildFolder> BuildFolder::Open(const std::filesystem::path& dir,
                                      std::vector<std::string>& warnings) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return MakeError(ErrorKind::kInternal,
                     "cannot create " + dir.string() + ": " + error.message());
  }
  std::filesystem::path absolute = std::filesystem::canonical(dir, error);
  if (error) {
    return MakeError(ErrorKind::kInternal,
                     "cannot resolve " + dir.string() + ": " + error.message());
  }
  UniqueFd root(::open(absolute.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return tl::make_unexpected(IoError("open " + absolute.string(), errno));
  Result<UniqueFd> builds = OpenSubfolder(root.get(), std::string(kBuildsFolderName));
  if (!builds.has_value()) return tl::make_unexpected(builds.error());
  Result<UniqueFd> uploads = OpenSubfolder(root.get(), std::string(kUploadsFolderName));
  if (!uploads.has_value()) return tl::make_unexpected(uploads.error());
  RemoveTempFiles(root.get(), "", warnings);
  RemoveTempFiles(builds.value().get(), std::string(kBuildsFolderName) + "/", warnings);
  RemoveTempFiles(uploads.value().get(), std::string(kUploadsFolderName) + "/", warnings);
  return BuildFolder(std::move(absolute), std::move(root), std::move(builds.value()),
                     std::move(uploads.value()));
}

Result<std::vector<std::string>> ListFolder(int folder_fd) {
  // A fresh open of "." rather than dup(): a duplicate would share its read position with
  // the original, and fdopendir takes over the descriptor it is given.
  int copy = ::openat(folder_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) return tl::make_unexpected(IoError("open folder", errno));
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(copy));
  if (dir == nullptr) {
    int saved = errno;
    ::close(copy);
    return tl::make_unexpected(IoError("opendir", saved));
  }
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  return names;
}

}  // namespace sr::file_distribution
