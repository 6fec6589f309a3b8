#include "durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "names.h"

namespace sr::file_distribution {

namespace {

constexpr mode_t kFileMode = 0644;
constexpr mode_t kFolderMode = 0700;  // builds and uploads: private to the host
constexpr std::size_t kCopyChunkBytes = 1 << 20;
constexpr std::string_view kTempMarker = ".tmp-";

Status SyncFile(int fd, std::string_view what) {
  if (::fsync(fd) != 0) {
    return tl::make_unexpected(IoError(std::string("fsync ") + std::string(what), errno));
  }
  return {};
}

// Copies `size` bytes between open files: copy_file_range where the filesystem can, else
// through a bounded buffer.
Status CopyContents(int from_fd, int to_fd, std::uint64_t size) {
  std::uint64_t copied = 0;
  while (copied < size) {
    ssize_t n = ::copy_file_range(from_fd, nullptr, to_fd, nullptr,
                                  static_cast<std::size_t>(size - copied), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    copied += static_cast<std::uint64_t>(n);
  }
  if (copied == size) return {};
  std::vector<char> buffer(kCopyChunkBytes);
  while (copied < size) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - copied));
    ssize_t got = ::pread(from_fd, buffer.data(), want, static_cast<off_t>(copied));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return tl::make_unexpected(IoError("read", errno));
    if (got == 0) return MakeError(ErrorKind::kInternal, "the source shrank while being copied");
    Status written =
        WriteAllAt(to_fd, std::string_view(buffer.data(), static_cast<std::size_t>(got)), copied);
    if (!written.has_value()) return written;
    copied += static_cast<std::uint64_t>(got);
  }
  return {};
}

// Puts a copy of `from_name` under `temp_name` in `to_folder`.
Status CopyIntoTemp(int from_folder, const std::string& from_name, int to_folder,
                    const std::string& temp_name) {
  UniqueFd source(::openat(from_folder, from_name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!source.valid()) return tl::make_unexpected(IoError("open " + from_name, errno));
  struct stat info {};
  if (::fstat(source.get(), &info) != 0) {
    return tl::make_unexpected(IoError("stat " + from_name, errno));
  }
  UniqueFd target(::openat(to_folder, temp_name.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
  if (!target.valid()) return tl::make_unexpected(IoError("create " + temp_name, errno));
  Status copied =
      CopyContents(source.get(), target.get(), static_cast<std::uint64_t>(info.st_size));
  if (!copied.has_value()) return copied;
  return SyncFile(target.get(), temp_name);
}

}  // namespace

std::string TempName(std::string_view base) {
  std::string suffix = NewUploadId().value_or(std::to_string(::getpid()));
  // Appended rather than `"." + std::string(base) + ...`: GCC 12 at -O3 reports a false
  // -Wrestrict in that operator+ (GCC PR 105651).
  std::string name = ".";
  name += base;
  name += kTempMarker;
  name += suffix;
  return name;
}

bool IsTempName(std::string_view name) {
  return !name.empty() && name.front() == '.' && name.find(kTempMarker) != std::string_view::npos;
}

Result<UniqueFd> OpenSubfolder(int parent_fd, const std::string& name) {
  if (::mkdirat(parent_fd, name.c_str(), kFolderMode) != 0 && errno != EEXIST) {
    return tl::make_unexpected(IoError("create folder " + name, errno));
  }
  UniqueFd folder(
      ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!folder.valid()) return tl::make_unexpected(IoError("open folder " + name, errno));
  return folder;
}

Status SyncFolder(int folder_fd) { return SyncFile(folder_fd, "folder"); }

Status WriteFileAtomically(int folder_fd, const std::string& name, std::string_view contents) {
  std::string temp = TempName(name);
  {
    UniqueFd file(::openat(folder_fd, temp.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode));
    if (!file.valid()) return tl::make_unexpected(IoError("create " + temp, errno));
    Status written = WriteAllAt(file.get(), contents, 0);
    if (written.has_value()) written = SyncFile(file.get(), temp);
    if (!written.has_value()) {
      RemoveFile(folder_fd, temp);
      return written;
    }
  }
  if (::renameat(folder_fd, temp.c_str(), folder_fd, name.c_str()) != 0) {
    int error = errno;
    RemoveFile(folder_fd, temp);
    return tl::make_unexpected(IoError("rename to " + name, error));
  }
  return SyncFolder(folder_fd);
}

Result<std::string> ReadSmallFile(int folder_fd, const std::string& name, std::size_t max_bytes) {
  UniqueFd file(::openat(folder_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!file.valid()) {
    if (errno == ENOENT) return MakeError(ErrorKind::kNotFound, name + " does not exist");
    return tl::make_unexpected(IoError("open " + name, errno));
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return tl::make_unexpected(IoError("stat " + name, errno));
  if (!S_ISREG(info.st_mode)) return MakeError(ErrorKind::kInternal, name + " is not a file");
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    return MakeError(ErrorKind::kInternal,
                     name + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string contents(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t got = ::pread(file.get(), contents.data() + done, contents.size() - done,
                          static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return tl::make_unexpected(IoError("read " + name, errno));
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  contents.resize(done);
  return contents;
}

Status ReplaceWithLinkOrCopy(int from_folder, const std::string& from_name, int to_folder,
                             const std::string& to_name) {
  std::string temp = TempName(to_name);
  if (::linkat(from_folder, from_name.c_str(), to_folder, temp.c_str(), 0) != 0) {
    // Filesystems without hard links (or a folder on another mount) get a copy.
    Status copied = CopyIntoTemp(from_folder, from_name, to_folder, temp);
    if (!copied.has_value()) {
      RemoveFile(to_folder, temp);
      return copied;
    }
  }
  if (::renameat(to_folder, temp.c_str(), to_folder, to_name.c_str()) != 0) {
    int error = errno;
    RemoveFile(to_folder, temp);
    return tl::make_unexpected(IoError("rename to " + to_name, error));
  }
  return SyncFolder(to_folder);
}

Status WriteAllAt(int fd, std::string_view bytes, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::make_unexpected(IoError("write", errno));
    done += static_cast<std::size_t>(n);
  }
  return {};
}

void RemoveFile(int folder_fd, const std::string& name) { ::unlinkat(folder_fd, name.c_str(), 0); }

std::string SystemError(std::string_view operation, int error_number) {
  return std::string(operation) + ": " + std::strerror(error_number);
}

Error IoError(std::string_view operation, int error_number) {
  bool full = error_number == ENOSPC || error_number == EDQUOT;
  return Error{full ? ErrorKind::kInsufficientStorage : ErrorKind::kInternal,
               SystemError(operation, error_number), std::nullopt};
}

}  // namespace sr::file_distribution
