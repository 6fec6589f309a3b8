#include "cluster_builds.h"

#include <utility>

#include "sha256.h"

namespace sr::file_distribution {

namespace {

tl::unexpected<Error> Unavailable(std::string_view what, const sr::KvStoreError& error) {
  return MakeError(ErrorKind::kUnavailable,
                   std::string("the database is unreachable, ").append(what).append(": ").append(
                       error.what()));
}

}  // namespace

ClusterBuilds::ClusterBuilds(sr::KvStore& store, std::size_t keep_builds)
    : store_(store),
      keep_builds_(keep_builds),
      builds_ns_(store.Open(kBuildsNamespace)),
      chunks_(store) {}

ClusterBuilds::~ClusterBuilds() { Stop(); }

void ClusterBuilds::Start(ChangeListener on_change, WarningListener warn) {
  on_change_ = std::move(on_change);
  warn_ = std::move(warn);
  watch_ = store_.WatchChanges(
      builds_ns_, [this](std::string_view key, std::string_view value, bool deleted) {
        std::string warning;
        std::vector<CatalogChange> changes = catalog_.Apply(key, value, deleted, warning);
        if (!warning.empty()) warn_(warning);
        if (!changes.empty()) on_change_(changes);
      });
  store_.Scan(builds_ns_, "", "", 0, false, [this](std::string_view key, std::string_view value) {
    std::string warning;
    catalog_.Apply(key, value, false, warning);
    if (!warning.empty()) warn_(warning);
    return true;
  });
}

void ClusterBuilds::Stop() { watch_.Reset(); }

Result<PublishedBuild> ClusterBuilds::Publish(int fd, const BuildRecord& build, bool make_current,
                                              std::string_view actor) {
  if (catalog_.Find(build.version)) {
    return MakeError(ErrorKind::kConflict, "build " + build.version + " already exists");
  }
  ClusterBuild row{0, build};
  try {
    row.id = store_.NextId(kBuildIdSequence);
  } catch (const sr::KvStoreError& error) {
    return Unavailable("the build was not stored (commit again later)", error);
  }
  Status stored = chunks_.Put(row.id, fd, build.size);
  if (!stored.has_value()) return tl::make_unexpected(stored.error());
  PublishedBuild result;
  std::optional<CurrentPointer> current = catalog_.Current();
  if (current) result.previous = current->version;
  const std::string build_json = ClusterBuildJson(row);
  const std::string current_json =
      CurrentPointerJson(CurrentPointer{build.version, result.previous, std::string(actor)});
  std::vector<sr::KvStore::Op> ops{sr::KvStore::Put(builds_ns_, build.version, build_json)};
  if (make_current) ops.push_back(sr::KvStore::Put(builds_ns_, kCurrentKey, current_json));
  try {
    store_.Write(ops);
  } catch (const sr::KvStoreError& error) {
    (void)chunks_.Delete(row.id, build.size);
    return Unavailable("the build was not stored (commit again later)", error);
  }
  // The store cannot compare-and-set: when two masters commit one version at once, the row
  // written last wins, and the loser sees it here and withdraws its bytes.
  try {
    std::optional<std::string> stored_row = store_.Get(builds_ns_, build.version);
    Result<ClusterBuild> winner =
        stored_row ? ParseClusterBuild(*stored_row) : MakeError(ErrorKind::kNotFound, "");
    if (winner.has_value() && winner.value().id != row.id) {
      (void)chunks_.Delete(row.id, build.size);
      return MakeError(ErrorKind::kConflict,
                       "build " + build.version + " was uploaded through another master meanwhile");
    }
  } catch (const sr::KvStoreError& error) {
    result.warning = std::string("cannot read back build ") + build.version + ": " + error.what();
  }
  ApplyOwn(build.version, build_json);
  if (make_current) ApplyOwn(kCurrentKey, current_json);
  std::string pruned = Prune(build.version);
  if (!pruned.empty()) result.warning = pruned;
  return result;
}

Result<CatalogChange> ClusterBuilds::Activate(std::string_view version, std::string_view actor) {
  std::optional<ClusterBuild> found = catalog_.Find(version);
  if (!found) return MakeError(ErrorKind::kNotFound, "no kept build " + std::string(version));
  std::optional<CurrentPointer> current = catalog_.Current();
  CatalogChange change{CatalogChange::Kind::kActivated, found->build, std::nullopt,
                       std::string(actor)};
  if (current) change.previous = current->version;
  if (change.previous == found->build.version) return change;
  const std::string json =
      CurrentPointerJson(CurrentPointer{found->build.version, change.previous, change.activated_by});
  try {
    store_.Write({sr::KvStore::Put(builds_ns_, kCurrentKey, json)});
  } catch (const sr::KvStoreError& error) {
    return Unavailable("the current build was not changed", error);
  }
  ApplyOwn(kCurrentKey, json);
  return change;
}

Status ClusterBuilds::Fetch(const ClusterBuild& build, int fd) {
  Status fetched = chunks_.Get(build.id, build.build.size, fd);
  if (!fetched.has_value()) return fetched;
  Result<std::string> digest = Sha256OfFile(fd, build.build.size);
  if (!digest.has_value()) return tl::make_unexpected(digest.error());
  if (digest.value() != build.build.sha256) {
    return MakeError(ErrorKind::kUnavailable,
                     "build " + build.build.version +
                         " fetched from the database does not match its SHA-256 (expected " +
                         build.build.sha256 + ", got " + digest.value() +
                         "): it is not served; upload the build again");
  }
  return {};
}

void ClusterBuilds::ApplyOwn(std::string_view key, const std::string& value) {
  // This master's writes are never reported by its watch.
  std::string warning;
  catalog_.Apply(key, value, false, warning);
}

std::string ClusterBuilds::Prune(const std::string& keep) {
  // As a single master's index prunes: the oldest go until keep_builds_ remain, sparing the
  // current build and the one just stored.
  std::vector<ClusterBuild> builds = catalog_.Builds();  // newest first
  std::optional<CurrentPointer> current = catalog_.Current();
  std::size_t excess = builds.size() > keep_builds_ ? builds.size() - keep_builds_ : 0;
  std::vector<ClusterBuild> doomed;
  for (auto it = builds.rbegin(); it != builds.rend() && doomed.size() < excess; ++it) {
    const std::string& version = it->build.version;
    if (version == keep || (current && current->version == version)) continue;
    doomed.push_back(*it);
  }
  if (doomed.empty()) return {};
  std::vector<sr::KvStore::Op> ops;
  for (const ClusterBuild& build : doomed) {
    ops.push_back(sr::KvStore::Delete(builds_ns_, build.build.version));
  }
  try {
    // Metadata first: no master may see a row whose bytes are going.
    store_.Write(ops);
  } catch (const sr::KvStoreError& error) {
    return std::string("cannot prune old builds from the database: ") + error.what();
  }
  std::string warning;
  for (const ClusterBuild& build : doomed) {
    std::string ignored;
    catalog_.Apply(build.build.version, "", true, ignored);
    Status deleted = chunks_.Delete(build.id, build.build.size);
    if (!deleted.has_value()) warning = deleted.error().message;
  }
  return warning;
}

}  // namespace sr::file_distribution
