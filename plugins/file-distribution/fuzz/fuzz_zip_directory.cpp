// The zip check of an upload's commit reads attacker-supplied bytes: any file must be judged
// without crashing, hanging or reading outside it.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

#include "zip_directory.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fd = ::memfd_create("upload", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  auto summary = sr::file_distribution::CheckZipDirectory(fd, written);
  (void)summary.has_value();
  ::close(fd);
  return 0;
}
