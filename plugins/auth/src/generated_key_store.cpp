#include "generated_key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "text.h"

namespace sr::auth {

namespace {

std::string ErrnoText() { return std::strerror(errno); }

void WriteAll(int fd, std::string_view bytes, const std::string& where) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write " + where + ": " + ErrnoText());
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

FileGeneratedKeyStore::FileGeneratedKeyStore(std::filesystem::path file) : file_(std::move(file)) {}

std::string FileGeneratedKeyStore::Describe() const { return file_.string(); }

std::optional<Digest> FileGeneratedKeyStore::Load() {
  std::error_code error;
  if (!std::filesystem::exists(file_, error)) return std::nullopt;
  std::ifstream in(file_);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + file_.string());
  auto digest = DigestFromHex(TrimSpaces(text.str().substr(0, text.str().find('\n'))));
  if (!digest) throw std::runtime_error(file_.string() + " does not hold a key digest");
  return digest;
}

void FileGeneratedKeyStore::Save(const Digest& digest) {
  std::filesystem::path folder = file_.parent_path();
  if (!folder.empty()) {
    std::error_code error;
    bool created = std::filesystem::create_directories(folder, error);
    if (error) {
      throw std::runtime_error("cannot create " + folder.string() + ": " + error.message());
    }
    if (created) ::chmod(folder.c_str(), 0700);
  }
  // Write a fresh 0600 file next to the target, then rename it into place atomically.
  std::filesystem::path temporary = file_;
  temporary += ".tmp";
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + temporary.string() + ": " + ErrnoText());
  try {
    WriteAll(fd, ToHex(digest) + "\n", temporary.string());
    if (::fsync(fd) != 0) throw std::runtime_error("cannot sync " + temporary.string());
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file_.c_str()) != 0) {
    std::string reason = ErrnoText();
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot rename " + temporary.string() + ": " + reason);
  }
}

KvGeneratedKeyStore::KvGeneratedKeyStore(KeyValueStore& store) : store_(store) {}

std::string KvGeneratedKeyStore::Describe() const {
  return "the kv-store (namespace \"" + std::string(kSpace) + "\")";
}

std::optional<Digest> KvGeneratedKeyStore::Load() {
  auto stored = store_.Get(kSpace, kKey);
  if (!stored) return std::nullopt;
  auto digest = DigestFromHex(*stored);
  if (!digest) throw std::runtime_error("the stored generated key digest is malformed");
  return digest;
}

void KvGeneratedKeyStore::Save(const Digest& digest) {
  store_.Write({KvOp::Put(std::string(kSpace), std::string(kKey), ToHex(digest))});
}

}  // namespace sr::auth
