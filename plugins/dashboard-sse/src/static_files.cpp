#include "static_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>
#include <unordered_set>

#include "mime_types.h"

namespace sr::dashboard {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxRequestPathBytes = 1024;

bool IsPlainName(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  return std::none_of(segment.begin(), segment.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || c == '\\';
  });
}

std::string Hex64(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

// FNV-1a: not cryptographic, which an ETag does not need; it only has to change with the bytes.
std::string ContentEtag(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return "\"" + Hex64(hash) + "-" + std::to_string(bytes.size()) + "\"";
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return bytes;
}

// A file found by the walk: where it is and how it is named in URLs.
struct FoundFile {
  StaticFileSet::Stamp stamp;
  fs::path path;
};

std::vector<FoundFile> Walk(const std::vector<StaticMount>& mounts, const StaticLimits& limits,
                            std::vector<std::string>& warnings) {
  std::vector<FoundFile> found;
  std::uint64_t total = 0;
  for (const StaticMount& mount : mounts) {
    std::error_code error;
    if (!fs::is_directory(mount.directory, error)) {
      warnings.push_back("web folder " + mount.directory.string() + " is missing; " +
                         mount.url_prefix + "/ serves nothing");
      continue;
    }
    // Default options: symbolic links to folders are not followed.
    fs::recursive_directory_iterator it(mount.directory,
                                        fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      const fs::directory_entry& entry = *it;
      std::string name = entry.path().filename().string();
      fs::file_status status = entry.symlink_status(error);
      if (error) break;
      if (fs::is_symlink(status)) continue;  // could point anywhere: never served
      if (fs::is_directory(status)) {
        if (!IsPlainName(name) || name == "node_modules") it.disable_recursion_pending();
        continue;
      }
      if (!fs::is_regular_file(status) || !IsPlainName(name) || !MimeTypeFor(name)) continue;
      std::uint64_t size = entry.file_size(error);
      if (error) break;
      std::string relative = fs::relative(entry.path(), mount.directory, error).generic_string();
      if (error) break;
      if (size > limits.max_file_bytes) {
        warnings.push_back("skipped " + relative + ": larger than " +
                           std::to_string(limits.max_file_bytes) + " bytes");
        continue;
      }
      if (found.size() >= limits.max_files || total + size > limits.max_total_bytes) {
        warnings.push_back("stopped loading " + mount.directory.string() +
                           ": more files or bytes than the limits allow");
        break;
      }
      auto mtime = entry.last_write_time(error);
      if (error) break;
      total += size;
      std::int64_t mtime_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
      found.push_back(FoundFile{{mount.url_prefix + "/" + relative, mtime_ns, size}, entry.path()});
    }
    if (error) {
      warnings.push_back("cannot read " + mount.directory.string() + ": " + error.message());
    }
  }
  return found;
}

}  // namespace

std::optional<std::string> SafeRelativePath(std::string_view path) {
  if (path.empty() || path.size() > kMaxRequestPathBytes) return std::nullopt;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (!IsPlainName(path.substr(start, end - start))) return std::nullopt;
    start = end + 1;
  }
  return std::string(path);
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::size_t start = 0;
  while (start < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view candidate = if_none_match.substr(start, end - start);
    while (!candidate.empty() && (candidate.front() == ' ' || candidate.front() == '\t')) {
      candidate.remove_prefix(1);
    }
    while (!candidate.empty() && (candidate.back() == ' ' || candidate.back() == '\t')) {
      candidate.remove_suffix(1);
    }
    if (candidate == "*") return true;
    if (candidate.substr(0, 2) == "W/") candidate.remove_prefix(2);  // weak comparison
    if (candidate == etag) return true;
    start = end + 1;
  }
  return false;
}

std::vector<StaticFileSet::Stamp> StaticFileSet::Scan(const std::vector<StaticMount>& mounts,
                                                      const StaticLimits& limits,
                                                      std::vector<std::string>* warnings) {
  std::vector<std::string> ignored;
  std::vector<FoundFile> found = Walk(mounts, limits, warnings ? *warnings : ignored);
  std::vector<Stamp> stamps;
  stamps.reserve(found.size());
  std::unordered_set<std::string> seen;
  for (FoundFile& file : found) {
    if (seen.insert(file.stamp.key).second) stamps.push_back(std::move(file.stamp));
  }
  std::sort(stamps.begin(), stamps.end(),
            [](const Stamp& a, const Stamp& b) { return a.key < b.key; });
  return stamps;
}

StaticFileSet StaticFileSet::Load(const std::vector<StaticMount>& mounts,
                                  const StaticLimits& limits) {
  StaticFileSet set;
  std::unordered_set<std::string> seen;
  for (FoundFile& file : Walk(mounts, limits, set.warnings_)) {
    // An earlier mount wins when two map to the same URL.
    if (!seen.insert(file.stamp.key).second) continue;
    std::optional<std::string> bytes = ReadWholeFile(file.path);
    if (!bytes) {
      // Kept as a stamp so that an unreadable file does not look like a change at every scan.
      set.warnings_.push_back("cannot read " + file.path.string());
      set.stamps_.push_back(std::move(file.stamp));
      continue;
    }
    StaticFile served;
    served.content_type = *MimeTypeFor(file.stamp.key);
    served.etag = ContentEtag(*bytes);
    served.body = std::make_shared<const std::string>(std::move(*bytes));
    set.total_bytes_ += served.body->size();
    set.files_.emplace(file.stamp.key, std::move(served));
    set.stamps_.push_back(std::move(file.stamp));
  }
  std::sort(set.stamps_.begin(), set.stamps_.end(),
            [](const Stamp& a, const Stamp& b) { return a.key < b.key; });
  return set;
}

const StaticFile* StaticFileSet::Find(std::string_view key) const {
  auto it = files_.find(std::string(key));
  return it == files_.end() ? nullptr : &it->second;
}

StaticFileCache::StaticFileCache(std::vector<StaticMount> mounts, StaticLimits limits)
    : mounts_(std::move(mounts)),
      limits_(limits),
      current_(std::make_shared<const StaticFileSet>(StaticFileSet::Load(mounts_, limits_))) {}

std::shared_ptr<const StaticFileSet> StaticFileCache::Current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

bool StaticFileCache::ReloadIfChanged() {
  std::vector<StaticFileSet::Stamp> now = StaticFileSet::Scan(mounts_, limits_, nullptr);
  if (now == Current()->stamps()) return false;
  auto reloaded = std::make_shared<const StaticFileSet>(StaticFileSet::Load(mounts_, limits_));
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(reloaded);
  return true;
}

}  // namespace sr::dashboard
