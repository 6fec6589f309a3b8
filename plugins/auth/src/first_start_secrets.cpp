#include "first_start_secrets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace sr::auth {

namespace {

[[noreturn]] void Fail(const std::string& what, const std::filesystem::path& path) {
  throw std::runtime_error("cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

void WriteAll(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) Fail("write", path);
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

SecretLines ReadFirstStartSecrets(const std::filesystem::path& file) {
  SecretLines lines;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    auto equals = line.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    lines.emplace_back(line.substr(0, equals), line.substr(equals + 1));
  }
  return lines;
}

void SaveFirstStartSecrets(const std::filesystem::path& file, const SecretLines& secrets) {
  std::filesystem::path folder = file.parent_path();
  if (!folder.empty() && !std::filesystem::exists(folder)) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
      throw std::runtime_error("cannot create " + folder.string() + ": " + error.message());
    }
    ::chmod(folder.c_str(), 0700);
  }
  SecretLines lines = ReadFirstStartSecrets(file);
  for (const auto& [name, value] : secrets) {
    bool replaced = false;
    for (auto& line : lines) {
      if (line.first == name) {
        line.second = value;
        replaced = true;
      }
    }
    if (!replaced) lines.emplace_back(name, value);
  }
  std::string text;
  for (const auto& [name, value] : lines) text += name + "=" + value + "\n";

  std::filesystem::path temporary = file;
  temporary += ".tmp";
  // O_EXCL after unlinking: never write secrets into a file someone else prepared.
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) Fail("create", temporary);
  try {
    if (::fchmod(fd, 0600) != 0) Fail("chmod", temporary);  // whatever the umask says
    WriteAll(fd, text, temporary);
    if (::fsync(fd) != 0) Fail("sync", temporary);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    Fail("rename to", file);
  }
}

}  // namespace sr::auth
