// The builds of one folder: which file is served, which builds are kept, and the changes
// between them. Readers (every download) see an immutable snapshot and never wait for a
// writer's disk I/O; writers (commit, activation, adoption of a hand-placed file) take turns.
//
// Which build is current is never stored: it is whichever build the served file is, found
// by the file's identity (device, inode, size, mtime). An operator can therefore replace
// game_server.zip by hand at any time, and the index cannot disagree with what is served.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "build_folder.h"
#include "build_index.h"
#include "build_record.h"
#include "file_identity.h"
#include "result.h"
#include "unique_fd.h"

namespace sr::file_distribution {

struct OpenedBuild {
  UniqueFd fd;
  FileIdentity identity;
};

struct Activation {
  BuildRecord build;
  std::optional<std::string> previous;  // the version served before, if known
  std::string warning;                  // something to log, e.g. the index could not be saved
  bool made_current = true;             // false: stored only, `previous` is still served
};

// Whether installing a build also serves it. Uploading needs the operator role, serving a
// build to the whole fleet the admin role: an operator's build can be stored and activated
// later by an admin.
enum class InstallMode { kMakeCurrent, kStoreOnly };

struct RecordedDigest {
  BuildRecord build;
  bool newly_served = false;  // a build nobody uploaded, now current (placed by hand)
  std::string warning;
};

class BuildStore {
 public:
  BuildStore(const BuildFolder& folder, std::size_t keep_builds);
  BuildStore(const BuildStore&) = delete;
  BuildStore& operator=(const BuildStore&) = delete;

  // Reads builds/index.json and learns the kept files; returns what to warn about.
  std::vector<std::string> Load();

  // The served file, open for reading: kNotFound when there is none (or it is a symbolic
  // link or not a regular file, which are never served).
  Result<OpenedBuild> OpenServed() const;
  std::optional<FileIdentity> ServedIdentity() const;
  // The build a file with this identity is, if known. Never blocks on a writer.
  std::optional<BuildRecord> Find(const FileIdentity& identity) const;
  // The version of the served file, when known.
  std::optional<std::string> CurrentVersion() const;
  std::vector<BuildRecord> Builds() const;  // newest first
  bool HasVersion(std::string_view version) const;

  // Records the SHA-256 computed for a file whose identity was unknown. A file with the
  // content of a kept build is that build; any other is a build placed by hand: version
  // "manual-<mtime>", and while it is still served it is hard-linked into builds/ like an
  // uploaded one.
  RecordedDigest RecordDigest(const FileIdentity& identity, const std::string& sha256);

  // Moves a verified file (`from_name` in `from_folder`, same filesystem) to
  // builds/<version>.zip, makes it the served build (kMakeCurrent), and prunes old builds; a
  // build stored without being served is spared by that pruning.
  Result<Activation> Install(int from_folder, const std::string& from_name, BuildRecord build,
                             InstallMode mode = InstallMode::kMakeCurrent);

  // Makes a kept build the served one again.
  Result<Activation> Activate(std::string_view version);

  // Forgets a kept build and deletes its file; absent is fine. A master of a cluster drops its
  // copy of a build the cluster deleted, or whose version now names other bytes. A served file
  // stays served (it is another link), but is no longer known as that build.
  Status Remove(std::string_view version);

 private:
  struct Known {
    FileIdentity identity;
    BuildRecord build;
  };
  struct Catalog {
    BuildIndex index;
    std::vector<Known> known;
  };

  std::shared_ptr<const Catalog> Snapshot() const;
  void Publish(Catalog next);
  static std::optional<BuildRecord> FindIn(const Catalog& catalog, const FileIdentity& identity);
  std::optional<std::string> CurrentVersionIn(const Catalog& catalog) const;
  static void Remember(Catalog& catalog, const FileIdentity& identity, const BuildRecord& build);
  std::optional<FileIdentity> IdentityIn(int folder_fd, const std::string& name) const;
  Status ReplaceServed(const BuildRecord& build, Catalog& next);
  Status AdoptServed(const FileIdentity& identity, const BuildRecord& build);
  // Prunes beyond keep_builds_ (sparing `protect`), saves the index, then deletes the pruned
  // files. Returns a warning, empty on success.
  std::string PruneAndSave(Catalog& next, std::vector<std::string> protect);

  const BuildFolder& folder_;
  std::size_t keep_builds_;
  std::mutex writer_mutex_;            // one change at a time; held across disk I/O
  mutable std::mutex snapshot_mutex_;  // guards the pointer only
  std::shared_ptr<const Catalog> catalog_;
};

}  // namespace sr::file_distribution
