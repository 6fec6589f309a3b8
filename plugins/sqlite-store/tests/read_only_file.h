#pragma once

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace sr::sqlite_store::testing {

// Makes a file read-only for the test's lifetime. Root ignores permission bits, so for root
// the file is also marked immutable (ext4, xfs, btrfs); `ok()` is false where neither works.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(std::filesystem::path path) : path_(std::move(path)) {
    ::chmod(path_.c_str(), 0444);
    if (::geteuid() != 0) {
      ok_ = true;
      return;
    }
    ok_ = SetImmutable(true);
    immutable_ = ok_;
  }
  ~ReadOnlyFile() {
    if (immutable_) SetImmutable(false);
    ::chmod(path_.c_str(), 0644);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  bool ok() const { return ok_; }

 private:
  bool SetImmutable(bool on) {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    int flags = 0;
    bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (done) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return done;
  }

  std::filesystem::path path_;
  bool ok_ = false;
  bool immutable_ = false;
};

}  // namespace sr::sqlite_store::testing
