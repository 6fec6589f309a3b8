// InstanceStore over the kv-store service: namespace "game-instances", one row per instance
// under its id ("i-<n>", the instance object as JSON) and, on one master, the row "next_id"
// (the next n). With several masters over one database (a version 2 provider, clustered()),
// numbers come from the cluster-wide sequence "instance_id" instead, and Watch follows the
// rows the other masters write.
#pragma once

#include <sr/services/kv_store.hpp>

#include "journal.h"

namespace sr::game_instances {

class KvInstanceStore final : public InstanceStore {
 public:
  explicit KvInstanceStore(const sr_kv_store_v1& service);

  void Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
             std::uint64_t next_number, Done done) override;
  Loaded Load(const std::function<void(const std::string&)>& warn) override;

  bool clustered() const { return store_.clustered(); }
  // The next instance number of the cluster (clustered() only); throws sr::KvStoreError.
  std::uint64_t DrawNumber() { return store_.NextId("instance_id"); }
  // True when this master does the cluster's once-only work `lease` (always on one master).
  bool Lead(std::string_view lease) const { return store_.Lead(lease); }
  // The other masters' changes to the instances (inactive on one master). Set it up before
  // Load, so that nothing written between the two is missed.
  [[nodiscard]] sr::KvStore::Watch Watch(sr::KvStore::ChangeVisitor visit) {
    return store_.WatchChanges(rows_, std::move(visit));
  }
  // The key that is not an instance.
  static bool IsCounterKey(std::string_view key);

 private:
  sr::KvStore store_;
  sr_kv_namespace* rows_;
};

}  // namespace sr::game_instances
