// A build folder in a temporary directory, with the helpers the store tests share.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "build_folder.h"
#include "durable_file.h"
#include "file_identity.h"
#include "temp_dir.h"
#include "unique_fd.h"

namespace sr::file_distribution::testing {

class FolderFixture : public ::testing::Test {
 protected:
  FolderFixture() { Reopen(); }

  // Opens the folder again, as a restart would; returns the warnings.
  std::vector<std::string> Reopen() {
    std::vector<std::string> warnings;
    Result<BuildFolder> opened = BuildFolder::Open(root(), warnings);
    EXPECT_TRUE(opened.has_value()) << (opened.has_value() ? "" : opened.error().message);
    folder_ = std::make_unique<BuildFolder>(std::move(opened.value()));
    return warnings;
  }

  std::filesystem::path root() const { return dir_.path() / "files"; }
  std::filesystem::path served_path() const { return root() / "game_server.zip"; }

  // Writes a file into .uploads/ and returns its name, ready to be installed.
  std::string Stage(const std::string& bytes) {
    std::string name = "staged-" + std::to_string(++staged_) + ".part";
    EXPECT_TRUE(WriteFileAtomically(folder_->uploads_fd(), name, bytes).has_value());
    return name;
  }

  // Places game_server.zip by hand, the safe way: a complete file renamed over it.
  void PlaceByHand(const std::string& bytes) {
    std::filesystem::path temp = root() / "incoming.tmp";
    dir_.Write("files/incoming.tmp", bytes);
    std::filesystem::rename(temp, served_path());
  }

  std::string Served() const { return sr::test::ReadFile(served_path()); }

  FileIdentity IdentityOfPath(const std::filesystem::path& path) const {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return IdentityOf(info);
  }

  sr::test::TempDir dir_;
  std::unique_ptr<BuildFolder> folder_;
  int staged_ = 0;
};

// Reads all of an open file from its start.
inline std::string ReadAll(int fd) {
  std::string out;
  char buffer[65536];
  off_t offset = 0;
  while (true) {
    ssize_t got = ::pread(fd, buffer, sizeof(buffer), offset);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
    offset += got;
  }
  return out;
}

}  // namespace sr::file_distribution::testing
