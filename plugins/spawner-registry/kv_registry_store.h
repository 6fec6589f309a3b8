// The registry's storage over the "kv-store" service, through the SDK's client
// (sr/services/kv_store.hpp): spawners in the namespace "spawners", the id counter in
// "spawner_meta".
#pragma once

#include <sr/services/kv_store.hpp>

#include "registry_ports.h"

namespace sr::spawner_registry {

class KvRegistryStore final : public RegistryStore {
 public:
  // Opens the namespaces. Throws sr::KvStoreError (a std::runtime_error).
  explicit KvRegistryStore(const sr_kv_store_v1& kv);

  void Scan(Table table, const RowVisitor& visit) override;
  void Commit(std::vector<Write> writes, Done done) override;

 private:
  sr_kv_namespace* NamespaceOf(Table table) const;

  sr::KvStore store_;
  sr_kv_namespace* spawners_ = nullptr;
  sr_kv_namespace* meta_ = nullptr;
};

}  // namespace sr::spawner_registry
