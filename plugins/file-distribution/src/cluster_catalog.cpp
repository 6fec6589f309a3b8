#include "cluster_catalog.h"

#include <algorithm>

namespace sr::file_distribution {

std::vector<CatalogChange> ClusterCatalog::Apply(std::string_view key, std::string_view value,
                                                 bool deleted, std::string& warning) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (key == kCurrentKey) return ApplyCurrent(value, deleted, warning);
  return ApplyBuild(std::string(key), value, deleted, warning);
}

std::vector<CatalogChange> ClusterCatalog::ApplyBuild(const std::string& version,
                                                      std::string_view value, bool deleted,
                                                      std::string& warning) {
  std::vector<CatalogChange> changes;
  auto known = builds_.find(version);
  if (deleted) {
    if (known == builds_.end()) return changes;
    changes.push_back(CatalogChange{CatalogChange::Kind::kRemoved, known->second.build});
    builds_.erase(known);
    return changes;
  }
  Result<ClusterBuild> parsed = ParseClusterBuild(value);
  if (!parsed.has_value() || parsed.value().build.version != version) {
    warning = parsed.has_value() ? std::string("build row ") + version + " names another version"
                                 : parsed.error().message;
    return changes;
  }
  if (known != builds_.end() && known->second == parsed.value()) return changes;
  builds_.insert_or_assign(version, parsed.value());
  changes.push_back(CatalogChange{CatalogChange::Kind::kAdded, parsed.value().build});
  if (activation_pending_ && current_ && current_->version == version) {
    activation_pending_ = false;
    changes.push_back(Activation());
  }
  return changes;
}

std::vector<CatalogChange> ClusterCatalog::ApplyCurrent(std::string_view value, bool deleted,
                                                        std::string& warning) {
  std::vector<CatalogChange> changes;
  if (deleted) {
    current_.reset();
    activation_pending_ = false;
    return changes;
  }
  Result<CurrentPointer> parsed = ParseCurrentPointer(value);
  if (!parsed.has_value()) {
    warning = parsed.error().message;
    return changes;
  }
  if (current_ == parsed.value()) return changes;
  current_ = std::move(parsed.value());
  activation_pending_ = builds_.find(current_->version) == builds_.end();
  if (!activation_pending_) changes.push_back(Activation());
  return changes;
}

CatalogChange ClusterCatalog::Activation() const {
  return CatalogChange{CatalogChange::Kind::kActivated, builds_.at(current_->version).build,
                       current_->previous, current_->activated_by};
}

std::optional<ClusterBuild> ClusterCatalog::Find(std::string_view version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = builds_.find(version);
  if (found == builds_.end()) return std::nullopt;
  return found->second;
}

std::vector<ClusterBuild> ClusterCatalog::Builds() const {
  std::vector<ClusterBuild> builds;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    builds.reserve(builds_.size());
    for (const auto& [version, build] : builds_) builds.push_back(build);
  }
  std::sort(builds.begin(), builds.end(),
            [](const ClusterBuild& a, const ClusterBuild& b) { return a.id > b.id; });
  return builds;
}

std::optional<CurrentPointer> ClusterCatalog::Current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

std::optional<ClusterBuild> ClusterCatalog::CurrentBuild() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!current_) return std::nullopt;
  auto found = builds_.find(current_->version);
  if (found == builds_.end()) return std::nullopt;
  return found->second;
}

}  // namespace sr::file_distribution
