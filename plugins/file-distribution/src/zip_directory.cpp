#include "zip_directory.h"

#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zip_entry_rules.h"

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
constexpr std::uint16_t kUnicodePathTag = 0x7075;
// The duplicate and overlap checks keep 40 bytes per entry: this bounds their memory (40 MB)
// far above any game build's file count.
constexpr std::uint64_t kMaxEntries = 1'000'000;
constexpr std::string_view kUnsafePrefix = "unsafe zip entry ";

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

tl::unexpected<Error> Corrupt(std::string message) {
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
  return {};
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
      if (!read.has_value()) return tl::make_unexpected(read.error());
      next_ += refill;
      buffer_.erase(0, used_);
      used_ = 0;
      buffer_ += chunk;
    }
    std::string_view out(buffer_.data() + used_, length);
    used_ += length;
    return out;
  }
  // The file offset of the next byte Take returns.
  [[nodiscard]] std::uint64_t Position() const { return next_ - (buffer_.size() - used_); }
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

Result<Directory> ReadZip64End(int fd, std::uint64_t end_offset) {
  if (end_offset < kZip64LocatorSize + kZip64EndSize) {
    return Corrupt("the ZIP64 end record is missing");
  }
  std::string locator;
  Status read = ReadAt(fd, end_offset - kZip64LocatorSize, kZip64LocatorSize, locator);
  if (!read.has_value()) return tl::make_unexpected(read.error());
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
  if (!read.has_value()) return tl::make_unexpected(read.error());
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
  if (!read.has_value()) return tl::make_unexpected(read.error());
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
      return {};
    }
    extra.remove_prefix(4 + static_cast<std::size_t>(length));
  }
  if (need_uncompressed || need_compressed || need_offset) {
    return Corrupt("a ZIP64 extra field is missing");
  }
  return {};
}

// Info-ZIP's Unicode Path extra field gives a second name that unzip tools prefer to the
// header's: it must be as safe, and the same name when the header's is plain ASCII (which
// needs no alias). Returns the problem, if any.
std::optional<std::string> UnicodePathProblem(std::string_view extra, std::string_view name) {
  while (extra.size() >= 4) {
    std::uint16_t tag = U16(extra.data());
    std::uint16_t length = U16(extra.data() + 2);
    if (extra.size() - 4 < length) return std::nullopt;  // judged by the other checks
    if (tag == kUnicodePathTag) {
      if (length < 5) return "a damaged Unicode path extra field";
      std::string_view alias = extra.substr(4 + 5, length - 5);
      if (std::optional<std::string> problem = EntryNameProblem(alias)) {
        return "its Unicode path extra field names it " + QuotedEntryName(alias) + ", " + *problem;
      }
      bool ascii = std::all_of(name.begin(), name.end(),
                               [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      if (ascii && alias != name) {
        return "its Unicode path extra field names it " + QuotedEntryName(alias);
      }
    }
    extra.remove_prefix(4 + static_cast<std::size_t>(length));
  }
  return std::nullopt;
}

// What the central directory says about one entry, kept for the checks that need all of
// them: duplicate names (by a digest of the name, names are compared when digests meet) and
// overlapping data.
struct EntryFacts {
  std::uint64_t name_digest = 0;
  std::uint64_t record_offset = 0;  // of the central directory record, to read the name again
  std::uint64_t index = 0;
  std::uint64_t begin = 0;  // the local header
  std::uint64_t end = 0;    // the end of the entry's data
};

std::uint64_t NameDigest(std::string_view name) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  ::SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  std::uint64_t value = 0;
  std::memcpy(&value, digest, sizeof(value));
  return value;
}

std::string Where(std::uint64_t index, std::uint64_t entries) {
  return "entry " + std::to_string(index + 1) + " of " + std::to_string(entries);
}

// A rejection of an entry that unzip would extract somewhere else than its name says, or
// differently depending on the tool. Not wrapped as "not a readable zip": it is readable.
tl::unexpected<Error> Unsafe(std::uint64_t index, std::uint64_t entries, std::string_view name,
                             const std::string& problem) {
  return MakeError(ErrorKind::kUnprocessable, std::string(kUnsafePrefix) + QuotedEntryName(name) +
                                                  " (" + Where(index, entries) + "): " + problem);
}

bool IsUnsafe(const Error& error) { return error.message.starts_with(kUnsafePrefix); }

// The sizes a local header declares; ZIP64 puts both in its extra field when either is
// saturated.
Status ReadLocalSizes(std::string_view header, std::string_view extra, EntryNumbers& local) {
  local.compressed = U32(header.data() + 18);
  local.uncompressed = U32(header.data() + 22);
  if (local.compressed != 0xFFFFFFFF && local.uncompressed != 0xFFFFFFFF) return {};
  while (extra.size() >= 4) {
    std::uint16_t tag = U16(extra.data());
    std::uint16_t length = U16(extra.data() + 2);
    if (extra.size() - 4 < length) return Corrupt("a local extra field runs past its header");
    if (tag == kZip64ExtraTag) {
      std::string_view data = extra.substr(4, length);
      if (data.size() >= 16) {
        local.uncompressed = U64(data.data());
        local.compressed = U64(data.data() + 8);
        return {};
      }
      return ApplyZip64Extra(extra, local, local.uncompressed == 0xFFFFFFFF,
                             local.compressed == 0xFFFFFFFF, false);
    }
    extra.remove_prefix(4 + static_cast<std::size_t>(length));
  }
  return Corrupt("the local header's ZIP64 extra field is missing");
}

// The central record of one entry, as far as the local header must agree with it.
struct CentralEntry {
  std::string_view name;
  EntryNumbers numbers;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
};

// Checks that the entry's local header is where the directory says, names the same entry
// byte for byte, declares the same method, CRC and sizes (a header written before its data
// descriptor may leave them 0), and that its data ends before the directory starts. Returns
// the end of the entry's data.
Result<std::uint64_t> CheckLocalHeader(int fd, const CentralEntry& entry,
                                       std::uint64_t directory_offset, std::uint64_t index,
                                       std::uint64_t entries) {
  const EntryNumbers& numbers = entry.numbers;
  if (numbers.local_offset > directory_offset ||
      directory_offset - numbers.local_offset < kLocalHeaderSize) {
    return Corrupt("its local header lies outside the archive");
  }
  std::string header;
  Status read = ReadAt(fd, numbers.local_offset, kLocalHeaderSize, header);
  if (!read.has_value()) return tl::make_unexpected(read.error());
  if (U32(header.data()) != kLocalHeaderSignature) {
    return Corrupt("no local header signature at offset " + std::to_string(numbers.local_offset));
  }
  std::uint16_t name_length = U16(header.data() + 26);
  std::uint16_t extra_length = U16(header.data() + 28);
  std::uint64_t data_offset = numbers.local_offset + kLocalHeaderSize + name_length + extra_length;
  if (data_offset > directory_offset) return Corrupt("its local header runs into the directory");
  std::string names_and_extra;
  read = ReadAt(fd, numbers.local_offset + kLocalHeaderSize,
                static_cast<std::size_t>(name_length) + extra_length, names_and_extra);
  if (!read.has_value()) return tl::make_unexpected(read.error());
  std::string_view local_name = std::string_view(names_and_extra).substr(0, name_length);
  if (local_name != entry.name) {
    return Unsafe(index, entries, entry.name,
                  "its local header names it " + QuotedEntryName(local_name));
  }
  if (U16(header.data() + 8) != entry.method) {
    return Corrupt("its local header declares another compression method");
  }
  std::string_view local_extra = std::string_view(names_and_extra).substr(name_length);
  if (std::optional<std::string> problem = UnicodePathProblem(local_extra, entry.name)) {
    return Unsafe(index, entries, entry.name, *problem);
  }
  EntryNumbers local;
  Status sizes = ReadLocalSizes(header, local_extra, local);
  if (!sizes.has_value()) return tl::make_unexpected(sizes.error());
  // With a data descriptor (flag bit 3) the local header may carry zeros instead.
  bool deferred = (U16(header.data() + 6) & 0x0008) != 0;
  auto differs = [deferred](std::uint64_t local_value, std::uint64_t central_value) {
    return local_value != central_value && !(deferred && local_value == 0);
  };
  if (differs(U32(header.data() + 14), entry.crc)) {
    return Corrupt("its local header declares another CRC-32");
  }
  if (differs(local.compressed, numbers.compressed) ||
      differs(local.uncompressed, numbers.uncompressed)) {
    return Corrupt("its local header declares other sizes than the central directory");
  }
  if (directory_offset - data_offset < numbers.compressed) {
    return Corrupt("its data runs into the central directory");
  }
  return data_offset + numbers.compressed;
}

Result<std::string> NameAt(int fd, std::uint64_t record_offset) {
  std::string fixed;
  Status read = ReadAt(fd, record_offset, kDirectoryEntrySize, fixed);
  if (!read.has_value()) return tl::make_unexpected(read.error());
  std::string name;
  read = ReadAt(fd, record_offset + kDirectoryEntrySize, U16(fixed.data() + 28), name);
  if (!read.has_value()) return tl::make_unexpected(read.error());
  return name;
}

// Two entries of the same name: unzip asks, overwrites or keeps either, so what runs on a
// spawner would depend on its tool.
Status CheckDuplicateNames(int fd, std::vector<EntryFacts>& facts, std::uint64_t entries) {
  std::sort(facts.begin(), facts.end(), [](const EntryFacts& a, const EntryFacts& b) {
    return a.name_digest != b.name_digest ? a.name_digest < b.name_digest : a.index < b.index;
  });
  for (std::size_t group = 0; group < facts.size();) {
    std::size_t stop = group + 1;
    while (stop < facts.size() && facts[stop].name_digest == facts[group].name_digest) ++stop;
    for (std::size_t later = group + 1; later < stop; ++later) {
      Result<std::string> name = NameAt(fd, facts[later].record_offset);
      if (!name.has_value()) return tl::make_unexpected(name.error());
      for (std::size_t earlier = group; earlier < later; ++earlier) {
        Result<std::string> other = NameAt(fd, facts[earlier].record_offset);
        if (!other.has_value()) return tl::make_unexpected(other.error());
        if (other.value() == name.value()) {
          return Unsafe(facts[later].index, entries, name.value(),
                        "the same name as " + Where(facts[earlier].index, entries));
        }
      }
    }
    group = stop;
  }
  return {};
}

// Entries sharing bytes (a header inside another's data) make the archive mean different
// things to different readers, and are the trick of "overlapping" zip bombs.
Status CheckOverlaps(int fd, std::vector<EntryFacts>& facts, std::uint64_t entries) {
  std::sort(facts.begin(), facts.end(),
            [](const EntryFacts& a, const EntryFacts& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < facts.size(); ++i) {
    if (facts[i].begin >= facts[i - 1].end) continue;
    Result<std::string> name = NameAt(fd, facts[i].record_offset);
    if (!name.has_value()) return tl::make_unexpected(name.error());
    return Unsafe(facts[i].index, entries, name.value(),
                  "its local header lies inside the data of " + Where(facts[i - 1].index, entries));
  }
  return {};
}

Result<ZipSummary> CheckDirectory(int fd, std::uint64_t size) {
  Result<Directory> found = FindDirectory(fd, size);
  if (!found.has_value()) return tl::make_unexpected(found.error());
  const Directory& directory = found.value();
  if (directory.offset > directory.end_limit ||
      directory.end_limit - directory.offset < directory.size) {
    return Corrupt("the central directory lies outside the file");
  }
  if (directory.entries > directory.size / kDirectoryEntrySize) {
    return Corrupt("the central directory is smaller than its entry count");
  }
  if (directory.entries > kMaxEntries) {
    return Corrupt("more than " + std::to_string(kMaxEntries) + " entries");
  }
  std::vector<EntryFacts> facts;
  facts.reserve(static_cast<std::size_t>(directory.entries));
  RegionReader reader(fd, directory.offset, directory.offset + directory.size);
  for (std::uint64_t index = 0; index < directory.entries; ++index) {
    std::string where = Where(index, directory.entries);
    std::uint64_t record_offset = reader.Position();
    Result<std::string_view> fixed = reader.Take(kDirectoryEntrySize);
    if (!fixed.has_value()) return tl::make_unexpected(fixed.error());
    const char* record = fixed.value().data();
    if (U32(record) != kDirectoryEntrySignature) return Corrupt(where + " is damaged");
    CentralEntry entry{{},
                       {U32(record + 24), U32(record + 20), U32(record + 42)},
                       U16(record + 10),
                       U32(record + 16)};
    std::uint32_t external_attributes = U32(record + 38);
    std::uint16_t name_length = U16(record + 28);
    std::uint16_t extra_length = U16(record + 30);
    std::uint16_t comment_length = U16(record + 32);
    bool need_uncompressed = entry.numbers.uncompressed == 0xFFFFFFFF;
    bool need_compressed = entry.numbers.compressed == 0xFFFFFFFF;
    bool need_offset = entry.numbers.local_offset == 0xFFFFFFFF;

    Result<std::string_view> taken = reader.Take(name_length);
    if (!taken.has_value()) return tl::make_unexpected(taken.error());
    const std::string name(taken.value());
    if (std::optional<std::string> problem = EntryNameProblem(name)) {
      return Unsafe(index, directory.entries, name, *problem);
    }
    if (IsSymbolicLinkEntry(external_attributes)) {
      return Unsafe(index, directory.entries, name, "a symbolic link");
    }
    Result<std::string_view> extra = reader.Take(extra_length);
    if (!extra.has_value()) return tl::make_unexpected(extra.error());
    if (std::optional<std::string> problem = UnicodePathProblem(extra.value(), name)) {
      return Unsafe(index, directory.entries, name, *problem);
    }
    Status applied = ApplyZip64Extra(extra.value(), entry.numbers, need_uncompressed,
                                     need_compressed, need_offset);
    if (!applied.has_value()) return Corrupt(where + ": " + applied.error().message);
    Result<std::string_view> comment = reader.Take(comment_length);
    if (!comment.has_value()) return tl::make_unexpected(comment.error());
    entry.name = name;
    Result<std::uint64_t> data_end =
        CheckLocalHeader(fd, entry, directory.offset, index, directory.entries);
    if (!data_end.has_value()) {
      const Error& error = data_end.error();
      if (error.kind != ErrorKind::kUnprocessable || IsUnsafe(error)) {
        return tl::make_unexpected(error);
      }
      return Corrupt(where + " (" + QuotedEntryName(name) + "): " + error.message);
    }
    facts.push_back(EntryFacts{NameDigest(name), record_offset, index, entry.numbers.local_offset,
                               data_end.value()});
  }
  if (reader.Remaining() != 0) return Corrupt("the central directory has bytes after its entries");
  Status distinct = CheckDuplicateNames(fd, facts, directory.entries);
  if (!distinct.has_value()) return tl::make_unexpected(distinct.error());
  Status apart = CheckOverlaps(fd, facts, directory.entries);
  if (!apart.has_value()) return tl::make_unexpected(apart.error());
  return ZipSummary{directory.entries};
}

}  // namespace

Result<ZipSummary> CheckZipDirectory(int fd, std::uint64_t size) {
  Result<ZipSummary> checked = CheckDirectory(fd, size);
  if (checked.has_value() || checked.error().kind != ErrorKind::kUnprocessable ||
      IsUnsafe(checked.error())) {
    return checked;
  }
  return Corrupt("not a readable zip: " + checked.error().message);
}

}  // namespace sr::file_distribution
