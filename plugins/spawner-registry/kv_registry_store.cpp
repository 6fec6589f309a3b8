#include "kv_registry_store.h"

#include <string>
#include <utility>

namespace sr::spawner_registry {

KvRegistryStore::KvRegistryStore(const sr_kv_store_v1& kv)
    : store_(kv), spawners_(store_.Open("spawners")), meta_(store_.Open("spawner_meta")) {}

sr_kv_namespace* KvRegistryStore::NamespaceOf(Table table) const {
  return table == Table::kSpawners ? spawners_ : meta_;
}

void KvRegistryStore::Scan(Table table, const RowVisitor& visit) {
  store_.Scan(NamespaceOf(table), {}, {}, 0, false,
              [&](std::string_view key, std::string_view value) {
                visit(key, value);
                return true;
              });
}

void KvRegistryStore::Commit(std::vector<Write> writes, Done done) {
  std::vector<sr::KvStore::Op> ops;
  ops.reserve(writes.size());
  for (const Write& write : writes) {
    ops.push_back(write.kind == Write::Kind::kPut
                      ? sr::KvStore::Put(NamespaceOf(write.table), write.key, write.value)
                      : sr::KvStore::Delete(NamespaceOf(write.table), write.key));
  }
  // The registry's callbacks only touch memory and the host; the client drops what they
  // might throw on the store's writer thread.
  store_.WriteAsync(ops, std::move(done));
}

}  // namespace sr::spawner_registry
