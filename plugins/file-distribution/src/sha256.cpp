#include "sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "names.h"

namespace sr::file_distribution {

namespace {

constexpr std::size_t kReadChunkBytes = 1 << 20;

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

DigestContext NewSha256Context() {
  DigestContext context(EVP_MD_CTX_new());
  if (context != nullptr && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    context.reset();
  }
  return context;
}

std::string Finish(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest, &length) != 1) return {};
  return HexOf(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  DigestContext context = NewSha256Context();
  if (context == nullptr || EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1) {
    return {};
  }
  return Finish(context.get());
}

Result<std::string> Sha256OfFile(int fd, std::uint64_t size) {
  DigestContext context = NewSha256Context();
  if (context == nullptr) return MakeError(ErrorKind::kInternal, "OpenSSL has no SHA-256");
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buffer(kReadChunkBytes);
  std::uint64_t offset = 0;
  while (offset < size) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
    ssize_t got = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return MakeError(ErrorKind::kInternal, std::string("read failed: ") + std::strerror(errno));
    }
    if (got == 0) {
      return MakeError(ErrorKind::kUnavailable, "the file is shorter than expected (" +
                                                    std::to_string(offset) + " of " +
                                                    std::to_string(size) + " bytes)");
    }
    if (EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) {
      return MakeError(ErrorKind::kInternal, "SHA-256 update failed");
    }
    offset += static_cast<std::uint64_t>(got);
  }
  std::string hex = Finish(context.get());
  if (hex.empty()) return MakeError(ErrorKind::kInternal, "SHA-256 finish failed");
  return hex;
}

}  // namespace sr::file_distribution
