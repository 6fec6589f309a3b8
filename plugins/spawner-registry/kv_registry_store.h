// The registry's storage over the "kv-store" service, through the SDK's client
// (sr/services/kv_store.hpp): spawners in the namespace "spawners", the id counter in
// "spawner_meta". Against a version 2 provider (several masters over one database) it is
// clustered: ids from the sequence "spawner_id", a watch of "spawners", leases.
#pragma once

#include <sr/services/kv_store.hpp>

#include "registry_ports.h"

namespace sr::spawner_registry {

class KvRegistryStore final : public RegistryStore {
 public:
  // The cluster-wide sequence spawner ids are drawn from.
  static constexpr std::string_view kIdSequence = "spawner_id";

  // Opens the namespaces. Throws sr::KvStoreError (a std::runtime_error).
  explicit KvRegistryStore(const sr_kv_store_v1& kv);

  void Scan(Table table, const RowVisitor& visit) override;
  void Commit(std::vector<Write> writes, Done done) override;

  bool clustered() const override { return store_.clustered(); }
  std::uint64_t NextSpawnerId() override { return store_.NextId(kIdSequence); }
  std::unique_ptr<Watch> WatchSpawners(ChangeVisitor visit) override;
  bool Lead(std::string_view lease) override { return store_.Lead(lease); }
  std::optional<std::string> ReadSpawner(std::string_view key) override {
    return store_.Get(spawners_, key);
  }

 private:
  sr_kv_namespace* NamespaceOf(Table table) const;

  sr::KvStore store_;
  sr_kv_namespace* spawners_ = nullptr;
  sr_kv_namespace* meta_ = nullptr;
};

}  // namespace sr::spawner_registry
