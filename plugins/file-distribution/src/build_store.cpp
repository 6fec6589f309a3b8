#include "build_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include <sr/rfc3339.hpp>

#include "durable_file.h"
#include "names.h"
#include "time_format.h"

namespace sr::file_distribution {

namespace {

constexpr std::size_t kMaxIndexBytes = 16 << 20;
// Identities of files hashed but not kept (e.g. replaced by hand while being read).
constexpr std::size_t kMaxUnkeptIdentities = 8;
constexpr std::string_view kManualPrefix = "manual-";

std::string ManualVersion(const BuildIndex& index, const FileIdentity& identity,
                          const std::string& sha256) {
  std::string version = std::string(kManualPrefix) + CompactUtc(MtimeSeconds(identity));
  if (index.Find(version) != nullptr) version += "-" + sha256.substr(0, 8);
  return version;
}

}  // namespace

BuildStore::BuildStore(const BuildFolder& folder, std::size_t keep_builds)
    : folder_(folder),
      keep_builds_(std::max<std::size_t>(keep_builds, 1)),
      catalog_(std::make_shared<const Catalog>()) {}

std::vector<std::string> BuildStore::Load() {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  std::vector<std::string> warnings;
  Catalog next;
  Result<std::string> text =
      ReadSmallFile(folder_.builds_fd(), std::string(kIndexFileName), kMaxIndexBytes);
  if (text.has_value()) {
    Result<BuildIndex> parsed = BuildIndex::Parse(text.value());
    if (parsed.has_value()) {
      next.index = std::move(parsed.value());
    } else {
      std::string aside = std::string(kIndexFileName) + ".damaged-" + CompactUtc(UnixNow());
      ::renameat(folder_.builds_fd(), kIndexFileName, folder_.builds_fd(), aside.c_str());
      warnings.push_back(parsed.error().message + "; moved aside as builds/" + aside +
                         ", starting with no kept builds");
    }
  } else if (text.error().kind != ErrorKind::kNotFound) {
    warnings.push_back("cannot read builds/" + std::string(kIndexFileName) + ": " +
                       text.error().message);
  }
  for (const BuildRecord& build : std::vector<BuildRecord>(next.index.builds())) {
    std::optional<FileIdentity> identity =
        IdentityIn(folder_.builds_fd(), BuildFileName(build.version));
    if (!identity || identity->size != build.size) {
      warnings.push_back("build " + build.version + " is in the index but builds/" +
                         BuildFileName(build.version) +
                         (identity ? " has another size" : " is missing") + "; forgetting it");
      next.index.Remove(build.version);
      continue;
    }
    Remember(next, *identity, build);
  }
  Publish(std::move(next));
  return warnings;
}

Result<OpenedBuild> BuildStore::OpenServed() const {
  UniqueFd fd(::openat(folder_.root_fd(), kServedFileName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return MakeError(ErrorKind::kNotFound, "no build to download");
    if (errno == ELOOP) {
      return MakeError(ErrorKind::kNotFound, std::string(kServedFileName) +
                                                 " is a symbolic link, which is never followed");
    }
    return tl::make_unexpected(IoError("open " + std::string(kServedFileName), errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return tl::make_unexpected(IoError("stat " + std::string(kServedFileName), errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return MakeError(ErrorKind::kNotFound, std::string(kServedFileName) + " is not a regular file");
  }
  return OpenedBuild{std::move(fd), IdentityOf(info)};
}

std::optional<FileIdentity> BuildStore::ServedIdentity() const {
  return IdentityIn(folder_.root_fd(), std::string(kServedFileName));
}

std::optional<BuildRecord> BuildStore::Find(const FileIdentity& identity) const {
  return FindIn(*Snapshot(), identity);
}

std::optional<std::string> BuildStore::CurrentVersion() const {
  return CurrentVersionIn(*Snapshot());
}

std::vector<BuildRecord> BuildStore::Builds() const {
  std::shared_ptr<const Catalog> catalog = Snapshot();  // keeps the list alive
  const std::vector<BuildRecord>& oldest_first = catalog->index.builds();
  return {oldest_first.rbegin(), oldest_first.rend()};
}

bool BuildStore::HasVersion(std::string_view version) const {
  return Snapshot()->index.Find(version) != nullptr;
}

RecordedDigest BuildStore::RecordDigest(const FileIdentity& identity, const std::string& sha256) {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  Catalog next = *Snapshot();
  if (std::optional<BuildRecord> known = FindIn(next, identity)) return RecordedDigest{*known};
  if (const BuildRecord* same = next.index.FindContent(sha256, identity.size)) {
    // A kept build copied back by hand: it is that build.
    RecordedDigest result{*same};
    Remember(next, identity, *same);
    Publish(std::move(next));
    return result;
  }
  RecordedDigest result{BuildRecord{ManualVersion(next.index, identity, sha256), identity.size,
                                    sha256, std::string(kManualUploader),
                                    sr::Rfc3339Seconds(MtimeSeconds(identity))}};
  if (ServedIdentity() == identity) {
    result.newly_served = true;
    Status adopted = AdoptServed(identity, result.build);
    if (adopted.has_value()) {
      next.index.Add(result.build);
      result.warning = PruneAndSave(next, {result.build.version});
    } else {
      result.warning = "build " + result.build.version + " (placed by hand) is served but not " +
                       "kept in builds/: " + adopted.error().message;
    }
  }
  Remember(next, identity, result.build);
  Publish(std::move(next));
  return result;
}

Result<Activation> BuildStore::Install(int from_folder, const std::string& from_name,
                                       BuildRecord build, InstallMode mode) {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  Catalog next = *Snapshot();
  if (next.index.Find(build.version) != nullptr) {
    return MakeError(ErrorKind::kConflict, "build " + build.version + " already exists");
  }
  const std::string target = BuildFileName(build.version);
  if (::renameat(from_folder, from_name.c_str(), folder_.builds_fd(), target.c_str()) != 0) {
    return tl::make_unexpected(IoError("move the upload into builds/", errno));
  }
  Activation result{build, CurrentVersionIn(next)};
  Status synced = SyncFolder(folder_.builds_fd());
  if (synced.has_value()) synced = SyncFolder(from_folder);
  if (!synced.has_value()) result.warning = synced.error().message;
  next.index.Add(build);
  if (std::optional<FileIdentity> stored = IdentityIn(folder_.builds_fd(), target)) {
    Remember(next, *stored, build);
  }
  if (mode == InstallMode::kStoreOnly) {
    result.made_current = false;
    std::vector<std::string> protect{build.version};
    if (result.previous) protect.push_back(*result.previous);
    std::string saved = PruneAndSave(next, std::move(protect));
    if (!saved.empty()) result.warning = saved;
    Publish(std::move(next));
    return result;
  }
  Status replaced = ReplaceServed(build, next);
  std::vector<std::string> protect;
  if (replaced.has_value()) {
    protect.push_back(build.version);
  } else if (result.previous) {
    protect.push_back(*result.previous);
  }
  std::string saved = PruneAndSave(next, std::move(protect));
  if (!saved.empty()) result.warning = saved;
  Publish(std::move(next));
  if (!replaced.has_value()) {
    return MakeError(replaced.error().kind,
                     "build " + build.version +
                         " was stored but could not be made current: " + replaced.error().message);
  }
  return result;
}

Result<Activation> BuildStore::Activate(std::string_view version) {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  Catalog next = *Snapshot();
  const BuildRecord* found = next.index.Find(version);
  if (found == nullptr) {
    return MakeError(ErrorKind::kNotFound, "no kept build " + std::string(version));
  }
  Activation result{*found, CurrentVersionIn(next)};
  if (result.previous == result.build.version) return result;
  Status replaced = ReplaceServed(result.build, next);
  if (!replaced.has_value()) return tl::make_unexpected(replaced.error());
  Publish(std::move(next));
  return result;
}

Status BuildStore::Remove(std::string_view version) {
  std::lock_guard<std::mutex> writer(writer_mutex_);
  Catalog next = *Snapshot();
  if (next.index.Find(version) == nullptr) return {};
  next.index.Remove(version);
  Status saved =
      WriteFileAtomically(folder_.builds_fd(), std::string(kIndexFileName), next.index.Serialize());
  if (!saved.has_value()) return saved;
  RemoveFile(folder_.builds_fd(), BuildFileName(version));
  std::erase_if(next.known, [&](const Known& known) { return known.build.version == version; });
  Publish(std::move(next));
  return {};
}

std::shared_ptr<const BuildStore::Catalog> BuildStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return catalog_;
}

void BuildStore::Publish(Catalog next) {
  auto published = std::make_shared<const Catalog>(std::move(next));
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  catalog_ = std::move(published);
}

std::optional<BuildRecord> BuildStore::FindIn(const Catalog& catalog,
                                              const FileIdentity& identity) {
  for (const Known& known : catalog.known) {
    if (known.identity == identity) return known.build;
  }
  return std::nullopt;
}

std::optional<std::string> BuildStore::CurrentVersionIn(const Catalog& catalog) const {
  std::optional<FileIdentity> served = ServedIdentity();
  if (!served) return std::nullopt;
  std::optional<BuildRecord> build = FindIn(catalog, *served);
  if (!build) return std::nullopt;
  return build->version;
}

void BuildStore::Remember(Catalog& catalog, const FileIdentity& identity,
                          const BuildRecord& build) {
  if (FindIn(catalog, identity)) return;
  catalog.known.push_back(Known{identity, build});
  // Forget the oldest identities of files that are not kept; kept ones stay.
  auto is_unkept = [&](const Known& known) {
    return catalog.index.Find(known.build.version) == nullptr;
  };
  auto unkept = static_cast<std::size_t>(
      std::count_if(catalog.known.begin(), catalog.known.end(), is_unkept));
  for (auto it = catalog.known.begin();
       unkept > kMaxUnkeptIdentities && it != catalog.known.end();) {
    if (is_unkept(*it)) {
      it = catalog.known.erase(it);
      --unkept;
    } else {
      ++it;
    }
  }
}

std::optional<FileIdentity> BuildStore::IdentityIn(int folder_fd, const std::string& name) const {
  struct stat info {};
  if (::fstatat(folder_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(info.st_mode)) {
    return std::nullopt;
  }
  return IdentityOf(info);
}

Status BuildStore::ReplaceServed(const BuildRecord& build, Catalog& next) {
  Status replaced = ReplaceWithLinkOrCopy(folder_.builds_fd(), BuildFileName(build.version),
                                          folder_.root_fd(), std::string(kServedFileName));
  if (!replaced.has_value()) return replaced;
  // A copy (where hard links are impossible) is another file: learn its identity too.
  if (std::optional<FileIdentity> served = ServedIdentity()) Remember(next, *served, build);
  return {};
}

Status BuildStore::AdoptServed(const FileIdentity& identity, const BuildRecord& build) {
  std::string temp = TempName(BuildFileName(build.version));
  if (::linkat(folder_.root_fd(), kServedFileName, folder_.builds_fd(), temp.c_str(), 0) != 0) {
    return tl::make_unexpected(IoError("link into builds/", errno));
  }
  // The served file may have been replaced between the check and the link.
  if (IdentityIn(folder_.builds_fd(), temp) != identity) {
    RemoveFile(folder_.builds_fd(), temp);
    return MakeError(ErrorKind::kUnavailable,
                     std::string(kServedFileName) + " was replaced meanwhile");
  }
  if (::renameat(folder_.builds_fd(), temp.c_str(), folder_.builds_fd(),
                 BuildFileName(build.version).c_str()) != 0) {
    int error = errno;
    RemoveFile(folder_.builds_fd(), temp);
    return tl::make_unexpected(IoError("rename in builds/", error));
  }
  return SyncFolder(folder_.builds_fd());
}

std::string BuildStore::PruneAndSave(Catalog& next, std::vector<std::string> protect) {
  std::vector<std::string> pruned = next.index.Prune(keep_builds_, protect);
  Status saved =
      WriteFileAtomically(folder_.builds_fd(), std::string(kIndexFileName), next.index.Serialize());
  if (!saved.has_value()) {
    // Keep the pruned files: the index on disk still names them.
    return "cannot save builds/" + std::string(kIndexFileName) + ": " + saved.error().message;
  }
  for (const std::string& version : pruned) {
    RemoveFile(folder_.builds_fd(), BuildFileName(version));
    std::erase_if(next.known, [&](const Known& known) { return known.build.version == version; });
  }
  return {};
}

}  // namespace sr::file_distribution
