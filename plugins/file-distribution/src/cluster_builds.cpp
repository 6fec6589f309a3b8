#include "cluster_builds.h"

#include <set>
#include <utility>

#include "sha256.h"
#include "time_format.h"

namespace sr::file_distribution {

namespace {

constexpr std::string_view kSweeperLease = "file-distribution-sweeper";

tl::unexpected<Error> Unavailable(std::string_view what, const sr::KvStoreError& error) {
  return MakeError(
      ErrorKind::kUnavailable,
      std::string("the database is unreachable, ").append(what).append(": ").append(error.what()));
}

}  // namespace

ClusterBuilds::ClusterBuilds(sr::KvStore& store, std::size_t keep_builds)
    : store_(store),
      keep_builds_(keep_builds),
      builds_ns_(store.Open(kBuildsNamespace)),
      pending_ns_(store.Open(kPendingNamespace)),
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
    return MakeError(ErrorKind::kConflict,
                     std::string("build ") + build.version + " already exists");
  }
  ClusterBuild row{0, build};
  try {
    // The store itself, not only what this master has seen: another master's row may not have
    // arrived yet, and a commit whose answer was lost may have written this one.
    if (std::optional<std::string> existing = store_.Get(builds_ns_, build.version)) {
      ApplyOwn(build.version, *existing);
      return MakeError(ErrorKind::kConflict,
                       std::string("build ") + build.version + " already exists");
    }
    row.id = store_.NextId(kBuildIdSequence);
  } catch (const sr::KvStoreError& error) {
    return Unavailable("the build was not stored (commit again later)", error);
  }
  // Named before the first chunk is written, so that chunks a dying master leaves are found.
  const std::string pending_key = PendingKey(row.id);
  try {
    store_.Write({sr::KvStore::Put(pending_ns_, pending_key,
                                   PendingChunksJson({row.id, build.size, UnixNow()}))});
  } catch (const sr::KvStoreError& error) {
    return Unavailable("the build was not stored (commit again later)", error);
  }
  Status stored = chunks_.Put(row.id, fd, build.size);
  if (!stored.has_value()) {
    Discard(row.id, build.size);
    return tl::make_unexpected(stored.error());
  }
  PublishedBuild result;
  result.version = build.version;
  std::optional<CurrentPointer> current = catalog_.Current();
  if (current) result.previous = current->version;
  const std::string build_json = ClusterBuildJson(row);
  const std::string current_json =
      CurrentPointerJson(CurrentPointer{build.version, result.previous, std::string(actor)});
  std::vector<sr::KvStore::Op> ops{sr::KvStore::Put(builds_ns_, build.version, build_json),
                                   sr::KvStore::Delete(pending_ns_, pending_key)};
  if (make_current) ops.push_back(sr::KvStore::Put(builds_ns_, kCurrentKey, current_json));
  try {
    store_.Write(ops);
  } catch (const sr::KvStoreError& error) {
    // The write may have committed all the same (a connection lost during the commit): the
    // chunks stay named as pending, for the sweeper, which checks that no row owns them.
    return Unavailable("the build was not stored (commit again later)", error);
  }
  // The store cannot compare-and-set: when two masters commit one version at once, the row
  // written last wins, and the loser sees it here and withdraws its bytes.
  try {
    std::optional<std::string> stored_row = store_.Get(builds_ns_, build.version);
    Result<ClusterBuild> winner =
        stored_row ? ParseClusterBuild(*stored_row) : MakeError(ErrorKind::kNotFound, "");
    if (winner.has_value() && winner.value().id != row.id) {
      Withdraw(row.id, build.size);
      return MakeError(ErrorKind::kConflict, std::string("build ") + build.version +
                                                 " was uploaded through another master meanwhile");
    }
  } catch (const sr::KvStoreError& error) {
    result.warning = std::string("cannot read back build ") + build.version + ": " + error.what();
  }
  result.rows.emplace_back(build.version, build_json);
  if (make_current) result.rows.emplace_back(kCurrentKey, current_json);
  return result;
}

std::string ClusterBuilds::Adopt(const PublishedBuild& published) {
  for (const auto& [key, value] : published.rows) ApplyOwn(key, value);
  return Prune(published.version);
}

Result<CatalogChange> ClusterBuilds::Activate(std::string_view version, std::string_view actor) {
  std::optional<ClusterBuild> found = catalog_.Find(version);
  if (!found) return MakeError(ErrorKind::kNotFound, std::string("no kept build ").append(version));
  std::optional<CurrentPointer> current = catalog_.Current();
  CatalogChange change{CatalogChange::Kind::kActivated, found->build, std::nullopt,
                       std::string(actor)};
  if (current) change.previous = current->version;
  if (change.previous == found->build.version) return change;
  const std::string json = CurrentPointerJson(
      CurrentPointer{found->build.version, change.previous, change.activated_by});
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
                     std::string("build ") + build.build.version +
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
  std::vector<std::string> pending;  // the views in `ops` point into these
  pending.reserve(doomed.size() * 2);
  for (const ClusterBuild& build : doomed) {
    ops.push_back(sr::KvStore::Delete(builds_ns_, build.build.version));
    pending.push_back(PendingKey(build.id));
    const std::string& key = pending.back();
    pending.push_back(PendingChunksJson({build.id, build.build.size, UnixNow()}));
    ops.push_back(sr::KvStore::Put(pending_ns_, key, pending.back()));
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
    if (!Discard(build.id, build.build.size)) {
      warning = std::string("the bytes of pruned build ") + build.build.version +
                " stay in the database until the sweeper deletes them: " + store_.LastError();
    }
  }
  return warning;
}

void ClusterBuilds::Withdraw(std::uint64_t id, std::uint64_t size) {
  try {
    store_.Write(
        {sr::KvStore::Put(pending_ns_, PendingKey(id), PendingChunksJson({id, size, UnixNow()}))});
  } catch (const sr::KvStoreError&) {
    return;  // the deletes would be refused too
  }
  Discard(id, size);
}

bool ClusterBuilds::Discard(std::uint64_t id, std::uint64_t size) {
  if (!chunks_.Delete(id, size).has_value()) return false;
  try {
    store_.Write({sr::KvStore::Delete(pending_ns_, PendingKey(id))});
  } catch (const sr::KvStoreError&) {
    return false;  // the sweeper deletes the (now empty) set again later
  }
  return true;
}

std::size_t ClusterBuilds::SweepAbandoned(std::int64_t now_unix_seconds,
                                          std::int64_t max_age_seconds, std::string& warning) {
  if (!store_.Lead(kSweeperLease)) return 0;
  std::vector<PendingChunks> abandoned;
  try {
    store_.Scan(pending_ns_, "", "", 0, false, [&](std::string_view key, std::string_view value) {
      Result<PendingChunks> pending = ParsePendingChunks(key, value);
      if (!pending.has_value()) {
        warning = pending.error().message;
      } else if (pending.value().since <= now_unix_seconds - max_age_seconds) {
        abandoned.push_back(pending.value());
      }
      return true;
    });
  } catch (const sr::KvStoreError& error) {
    warning = std::string("cannot look for abandoned build chunks: ") + error.what();
    return 0;
  }
  // The ids the metadata rows own, read from the store itself: a commit whose answer was lost
  // may have written its row all the same.
  std::set<std::uint64_t> owned;
  try {
    store_.Scan(builds_ns_, "", "", 0, false, [&](std::string_view key, std::string_view value) {
      if (key == kCurrentKey) return true;
      Result<ClusterBuild> build = ParseClusterBuild(value);
      if (build.has_value()) owned.insert(build.value().id);
      return true;
    });
  } catch (const sr::KvStoreError& error) {
    warning = std::string("cannot look for abandoned build chunks: ") + error.what();
    return 0;
  }
  std::size_t swept = 0;
  for (const PendingChunks& pending : abandoned) {
    if (owned.count(pending.id) != 0) {
      // Its commit wrote the row but not the delete of this one.
      try {
        store_.Write({sr::KvStore::Delete(pending_ns_, PendingKey(pending.id))});
      } catch (const sr::KvStoreError&) {
      }
      continue;
    }
    if (Discard(pending.id, pending.size)) {
      ++swept;
    } else {
      warning = std::string("cannot delete abandoned build chunks: ") + store_.LastError();
    }
  }
  return swept;
}

}  // namespace sr::file_distribution
