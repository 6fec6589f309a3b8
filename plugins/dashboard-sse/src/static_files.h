#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sr::dashboard {

// One file of the web root, held in memory: the files are small and few, and serving them
// from memory keeps disk reads off the I/O threads.
struct StaticFile {
  std::shared_ptr<const std::string> body;
  std::string_view content_type;  // static storage (see MimeTypeFor)
  std::string etag;               // a quoted strong validator derived from the content
};

// A folder served under a URL prefix: "/assets" -> web/assets.
struct StaticMount {
  std::string url_prefix;  // starts with '/', no trailing '/'
  std::filesystem::path directory;
};

struct StaticLimits {
  std::uint64_t max_file_bytes = 8u << 20;
  std::uint64_t max_total_bytes = 64u << 20;
  std::size_t max_files = 4096;
};

// A path below a mount as a client sent it ("js/app.js"), checked: nullopt unless it is
// 1-1024 bytes of segments that are plain names (no "", ".", "..", no leading '.', no '\\',
// no control bytes). Lookups only ever find files that were cached at load time, so this is
// a second wall, not the only one.
std::optional<std::string> SafeRelativePath(std::string_view path);

// True when an If-None-Match header value names `etag` (a list, weak validators and "*"
// included).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

// Every servable file of some mounts, loaded once. Immutable after Load: shared by readers.
class StaticFileSet {
 public:
  // What identifies a version of a file on disk, to notice changes without reading it.
  struct Stamp {
    std::string key;
    std::int64_t mtime_ns = 0;
    std::uint64_t size = 0;
    bool operator==(const Stamp&) const = default;
  };

  // Walks the mounts without following symbolic links (links, hidden entries and
  // node_modules are skipped) and reads every file with a known content type.
  static StaticFileSet Load(const std::vector<StaticMount>& mounts, const StaticLimits& limits);
  // The stamps Load would see now, without reading contents.
  static std::vector<Stamp> Scan(const std::vector<StaticMount>& mounts, const StaticLimits& limits,
                                 std::vector<std::string>* warnings);

  // The file at `key` ("/assets/js/app.js"), or nullptr.
  const StaticFile* Find(std::string_view key) const;
  std::size_t size() const { return files_.size(); }
  std::uint64_t total_bytes() const { return total_bytes_; }
  const std::vector<Stamp>& stamps() const { return stamps_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::unordered_map<std::string, StaticFile> files_;
  std::vector<Stamp> stamps_;
  std::vector<std::string> warnings_;
  std::uint64_t total_bytes_ = 0;
};

// The current StaticFileSet, replaced as a whole when files change on disk. Thread-safe.
class StaticFileCache {
 public:
  StaticFileCache(std::vector<StaticMount> mounts, StaticLimits limits);

  std::shared_ptr<const StaticFileSet> Current() const;
  // Rescans the mounts; reloads when a file was added, removed or changed. True if reloaded.
  bool ReloadIfChanged();

 private:
  std::vector<StaticMount> mounts_;
  StaticLimits limits_;
  mutable std::mutex mutex_;
  std::shared_ptr<const StaticFileSet> current_;
};

}  // namespace sr::dashboard
