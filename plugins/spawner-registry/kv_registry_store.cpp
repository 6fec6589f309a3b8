#include "kv_registry_store.h"

#include <memory>
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
    sr_kv_namespace* ns = NamespaceOf(write.table);
    switch (write.kind) {
      case Write::Kind::kPut:
        ops.push_back(sr::KvStore::Put(ns, write.key, write.value));
        break;
      case Write::Kind::kDelete:
        ops.push_back(sr::KvStore::Delete(ns, write.key));
        break;
      case Write::Kind::kUpdate:
        ops.push_back(sr::KvStore::Update(ns, write.key, write.value));
        break;
    }
  }
  // The registry's callbacks only touch memory and the host; the client drops what they
  // might throw on the store's writer thread.
  store_.WriteAsync(ops, std::move(done));
}

namespace {

// The client's watch behind the port's interface.
class KvWatch final : public RegistryStore::Watch {
 public:
  explicit KvWatch(sr::KvStore::Watch watch) : watch_(std::move(watch)) {}

 private:
  sr::KvStore::Watch watch_;
};

}  // namespace

std::unique_ptr<RegistryStore::Watch> KvRegistryStore::WatchSpawners(ChangeVisitor visit) {
  if (!store_.clustered()) return nullptr;
  return std::make_unique<KvWatch>(store_.WatchChanges(spawners_, std::move(visit)));
}

}  // namespace sr::spawner_registry
