#include "zip_directory.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

namespace sr::file_distribution {

namespace {

constexpr std::uint32_t kEndOfDirectorySignature = 0x06054b50;
constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr std::uint32_t kZip64EndSignature = 0x06064b50;
constexpr std::uint32_t kDirectoryEntrySignature = 0x02014b50;
constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::size_t kEndOfDirectorySize = 22;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kZip64EndSize = 56;
constexpr std::size_t kDirectoryEntrySize = 46;
constexpr std::size_t kLocalHeaderSize = 30;
constexpr std::size_t kMaxCommentSize = 0xFFFF;
constexpr std::size_t kReadChunkBytes = 64 << 10;
constexpr std::uint16_t kZip64ExtraTag = 0x0001;

std::uint16_t U16(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(b[0] | (b[1] << 8));
}
std::uint32_t U32(const char* p) {
  return static_cast<std::uint32_t>(U16(p)) | (static_cast<std::uint32_t>(U16(p + 2)) << 16);
}
std::uint64_t U64(const char* p) {
  return static_cast<std::uint64_t>(U32(p)) | (static_cast<std::uint64_t>(U32(p + 4)) << 32);
}

Error Corrupt(std::string message) {
  return MakeError(ErrorKind::kUnprocessable, std::move(message));
}

// Reads exactly `length` bytes at `offset` into `out`.
Status ReadAt(int fd, std::uint64_t offset, std::size_t length, std::string& out) {
  out.resize(length);
  std::size_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return MakeError(ErrorKind::kInternal, std::string("read failed: ") + std::strerror(errno));
    }
    if (got == 0) return Corrupt("the file ends early");
    done += static_cast<std::size_t>(got);
  }
  return Done{};
}

// Sequential reads of a region through a bounded buffer.
class RegionReader {
 public:
  RegionReader(int fd, std::uint64_t begin, std::uint64_t end) : fd_(fd), next_(begin), end_(end) {}

  // The next `length` bytes (valid until the next call), or an error.
  Result<std::string_view> Take(std::size_t length) {
    if (buffer_.size() - used_ < length) {
      std::uint64_t left = end_ - next_;
      std::size_t missing = length - (buffer_.size() - used_);
      if (left < missing) return Corrupt("a central directory entry runs past its end");
      auto refill = static_cast<std::size_t>(
          std::min<std::uint64_t>(left, std::max(missing, kReadChunkBytes)));
      std::string chunk;
      Status read = ReadAt(fd_, next_, refill, chunk);
      if (!read.ok()) return read.error();
      next_ += refill;
      buffer_.erase(0, used_);
      used_ = 0;
      buffer_ += chunk;
    }
    std::string_view out(buffer_.data() + used_, length);
    used_ += length;
    return out;
  }
  // Bytes of the region not taken yet.
  [[nodiscard]] std::uint64_t Remaining() const {
    return (end_ - next_) + (buffer_.size() - used_);
  }

 private:
  int fd_;
  std::uint64_t next_;
  std::uint64_t end_;
  std::string buffer_;
  std::size_t used_ = 0;
};

struct Directory {
  std::uint64_t entries = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t end_limit = 0;  // where the records after the directory start
};

// A relative path that stays inside the folder it is extracted to.
bool IsSafeEntryName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.front() == '\\') return false;
  if (name.size() >= 2 && name[1] == ':') return false;  // "C:..."
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t stop = name.find_first_of("/\\", start);
    if (stop == std::string_view::npos) stop = name.size();
    if (name.substr(start, stop - start) == "..") return false;
    start = stop + 1;
  }
  return name.find('\0') == std::string_view::npos;
}

Result<Directory> ReadZip64End(int fd, std::uint64_t end_offset) {
  if (end_offset < kZip64LocatorSize + kZip64EndSize) {
    return Corrupt("the ZIP64 end record is missing");
  }
  std::string locator;
  Status read = ReadAt(fd, end_offset - kZip64LocatorSize, kZip64LocatorSize, locator);
  if (!read.ok()) return read.error();
  if (U32(locator.data()) != kZip64LocatorSignature) {
    return Corrupt("the ZIP64 locator is missing");
  }
  std::uint64_t record_offset = U64(locator.data() + 8);
  if (U32(locator.data() + 16) > 1) return Corrupt("archives split over disks are not supported");
  if (record_offset > end_offset - kZip64LocatorSize - kZip64EndSize) {
    return Corrupt("the ZIP64 end record lies outside the file");
  }
  std::string record;
  read = ReadAt(fd, record_offset, kZip64EndSize, record);
  if (!read.ok()) return read.error();
  if (U32(record.data()) != kZip64EndSignature) return Corrupt("the ZIP64 end record is damaged");
  if (U32(record.data() + 16) != 0 || U32(record.data() + 20) != 0 ||
      U64(record.data() + 24) != U64(record.data() + 32)) {
    return Corrupt("archives split over disks are not supported");
  }
  return Directory{U64(record.data() + 32), U64(record.data() + 48), U64(record.data() + 40),
                   record_offset};
}

Result<Directory> FindDirectory(int fd, std::uint64_t size) {
  if (size < kEndOfDirectorySize) return Corrupt("the file is too small");
  std::size_t tail_size = static_cast<std::size_t>(
      std::min<std::uint64_t>(size, kEndOfDirectorySize + kMaxCommentSize));
  std::uint64_t tail_offset = size - tail_size;
  std::string tail;
  Status read = ReadAt(fd, tail_offset, tail_size, tail);
  if (!read.ok()) return read.error();
  // The record is the last one whose comment ends exactly at the end of the file.
  for (std::size_t at = tail_size - kEndOfDirectorySize + 1; at-- > 0;) {
    const char* record = tail.data() + at;
    if (U32(record) != kEndOfDirectorySignature) continue;
    if (at + kEndOfDirectorySize + U16(record + 20) != tail_size) continue;
    std::uint64_t end_offset = tail_offset + at;
    std::uint16_t entries_here = U16(record + 8);
    std::uint16_t entries = U16(record + 10);
    std::uint32_t directory_size = U32(record + 12);
    std::uint32_t directory_offset = U32(record + 16);
    if (entries == 0xFFFF || directory_size == 0xFFFFFFFF || directory_offset == 0xFFFFFFFF) {
      return ReadZip64End(fd, end_offset);
    }
    if (U16(record + 4) != 0 || U16(record + 6) != 0 || entries_here != entries) {
      return Corrupt("archives split over disks are not supported");
    }
    return Directory{entries, directory_offset, directory_size, end_offset};
  }
  return Corrupt("no end of central directory record");
}

// The ZIP64 extra field replaces saturated 32-bit values, in this order.
struct EntryNumbers {
  std::uint64_t uncompressed = 0;
  std::uint64_t compressed = 0;
  std::uint64_t local_offset = 0;
};

Status ApplyZip64Extra(std::string_view extra, EntryNumbers& numbers, bool need_uncompressed,
                       bool need_compressed, bool need_offset) {
  while (extra.size() >= 4) {
    std::uint16_t tag = U16(extra.data());
    std::uint16_t length = U16(extra.data() + 2);
    if (extra.size() - 4 < length) return Corrupt("an extra field runs past its entry");
    std::string_view data = extra.substr(4, length);
    if (tag == kZip64ExtraTag) {
      std::uint64_t* targets[] = {need_uncompressed ? &numbers.uncompressed : nullptr,
                                  need_compressed ? &numbers.compressed : nullptr,
                                  need_offset ? &numbers.local_offset : nullptr};
      for (std::uint64_t* target : targets) {
        if (target == nullptr) continue;
        if (data.size() < 8) return Corrupt("a ZIP64 extra field is too short");
        *target = U64(data.data());
        data.remove_prefix(8);
      }
      return Done{};
    }
    extra.remove_prefix(4 + static_cast<std::size_t>(length));
  }
  if (need_uncompressed || need_compressed || need_offset) {
    return Corrupt("a ZIP64 extra field is missing");
  }
  return Done{};
}

// Checks the entry's local header and that its data ends before the directory starts.
Status CheckLocalHeader(int fd, const EntryNumbers& numbers, std::uint64_t directory_offset) {
  if (numbers.local_offset > directory_offset ||
      directory_offset - numbers.local_offset < kLocalHeaderSize) {
    return Corrupt("an entry's data lies outside the archive");
  }
  std::string header;
  Status read = ReadAt(fd, numbers.local_offset, kLocalHeaderSize, header);
  if (!read.ok()) return read;
  if (U32(header.data()) != kLocalHeaderSignature) return Corrupt("a local header is damaged");
  std::uint64_t data_offset =
      numbers.local_offset + kLocalHeaderSize + U16(header.data() + 26) + U16(header.data() + 28);
  if (data_offset > directory_offset || directory_offset - data_offset < numbers.compressed) {
    return Corrupt("an entry's data lies outside the archive");
  }
  return Done{};
}

Result<ZipSummary> CheckDirectory(int fd, std::uint64_t size) {
  Result<Directory> found = FindDirectory(fd, size);
  if (!found.ok()) return found.error();
  const Directory& directory = found.value();
  if (directory.offset > directory.end_limit ||
      directory.end_limit - directory.offset < directory.size) {
    return Corrupt("the central directory lies outside the file");
  }
  if (directory.entries > directory.size / kDirectoryEntrySize) {
    return Corrupt("the central directory is smaller than its entry count");
  }
  RegionReader reader(fd, directory.offset, directory.offset + directory.size);
  for (std::uint64_t index = 0; index < directory.entries; ++index) {
    std::string where =
        "entry " + std::to_string(index + 1) + " of " + std::to_string(directory.entries);
    Result<std::string_view> fixed = reader.Take(kDirectoryEntrySize);
    if (!fixed.ok()) return fixed.error();
    const char* entry = fixed.value().data();
    if (U32(entry) != kDirectoryEntrySignature) return Corrupt(where + " is damaged");
    EntryNumbers numbers{U32(entry + 24), U32(entry + 20), U32(entry + 42)};
    std::uint16_t name_length = U16(entry + 28);
    std::uint16_t extra_length = U16(entry + 30);
    std::uint16_t comment_length = U16(entry + 32);
    bool need_uncompressed = numbers.uncompressed == 0xFFFFFFFF;
    bool need_compressed = numbers.compressed == 0xFFFFFFFF;
    bool need_offset = numbers.local_offset == 0xFFFFFFFF;

    Result<std::string_view> name = reader.Take(name_length);
    if (!name.ok()) return name.error();
    if (!IsSafeEntryName(name.value())) {
      return Corrupt(where + " has an unsafe name (absolute or with \"..\")");
    }
    Result<std::string_view> extra = reader.Take(extra_length);
    if (!extra.ok()) return extra.error();
    Status applied =
        ApplyZip64Extra(extra.value(), numbers, need_uncompressed, need_compressed, need_offset);
    if (!applied.ok()) return Corrupt(where + ": " + applied.error().message);
    Result<std::string_view> comment = reader.Take(comment_length);
    if (!comment.ok()) return comment.error();
    Status local = CheckLocalHeader(fd, numbers, directory.offset);
    if (!local.ok()) {
      if (local.error().kind != ErrorKind::kUnprocessable) return local.error();
      return Corrupt(where + ": " + local.error().message);
    }
  }
  if (reader.Remaining() != 0) return Corrupt("the central directory has bytes after its entries");
  return ZipSummary{directory.entries};
}

}  // namespace

Result<ZipSummary> CheckZipDirectory(int fd, std::uint64_t size) {
  Result<ZipSummary> checked = CheckDirectory(fd, size);
  if (checked.ok() || checked.error().kind != ErrorKind::kUnprocessable) return checked;
  return Corrupt("not a readable zip: " + checked.error().message);
}

}  // namespace sr::file_distribution
