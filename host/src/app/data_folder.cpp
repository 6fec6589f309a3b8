#include "app/data_folder.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sr::host {

namespace {

constexpr mode_t kPrivateFolder = 0700;

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

void PrepareDataFolder(const std::string& dir) {
  std::error_code error;
  if (std::filesystem::create_directories(dir, error)) {
    // The umask (077) already made it private; chmod states the intent whatever the umask.
    ::chmod(dir.c_str(), kPrivateFolder);
    return;
  }
  if (error) {
    spdlog::error("cannot create the data folder {}: {}", dir, error.message());
    return;
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    spdlog::error("cannot inspect the data folder {}: {}", dir, std::strerror(errno));
    return;
  }
  if (!S_ISDIR(info.st_mode)) {
    spdlog::error("the data folder {} is not a folder", dir);
    return;
  }
  mode_t mode = info.st_mode & 07777;
  if ((mode & 077) == 0) return;
  if (info.st_uid != ::geteuid()) {
    spdlog::warn(
        "the data folder {} has mode {} and belongs to another user: others may read "
        "the database and secrets in it; make it 0700",
        dir, Octal(mode));
    return;
  }
  if (::chmod(dir.c_str(), kPrivateFolder) != 0) {
    spdlog::error("cannot tighten the data folder {} (mode {}) to 0700: {}", dir, Octal(mode),
                  std::strerror(errno));
    return;
  }
  spdlog::warn("tightened the data folder {} from mode {} to 0700: only this user may read it", dir,
               Octal(mode));
}

}  // namespace sr::host
