#include "kv_store_client.h"

namespace sr::auth {

namespace {

// The auth core knows StoreError only: the client's failures are translated at this boundary.
template <typename Call>
auto Translated(Call&& call) {
  try {
    return call();
  } catch (const sr::KvStoreError& e) {
    throw StoreError(e.what());
  }
}

}  // namespace

// A service too old to use is refused here, while the plugin initializes: the SDK refuses the
// plugin with the client's message.
KvStoreClient::KvStoreClient(const sr_kv_store_v1& service) : store_(service) {}

std::optional<std::string> KvStoreClient::Get(std::string_view space, std::string_view key) {
  return Translated([&] { return store_.Get(store_.Open(space), key); });
}

void KvStoreClient::Scan(std::string_view space, std::string_view start, std::string_view end,
                         std::uint32_t limit, bool reverse, const RowVisitor& visit) {
  Translated([&] { store_.Scan(store_.Open(space), start, end, limit, reverse, visit); });
}

void KvStoreClient::Write(const std::vector<KvOp>& ops) {
  Translated([&] {
    std::vector<sr::KvStore::Op> raw;
    raw.reserve(ops.size());
    for (const KvOp& op : ops) {
      sr_kv_namespace* ns = store_.Open(op.space);
      switch (op.kind) {
        case KvOp::Kind::kPut:
          raw.push_back(sr::KvStore::Put(ns, op.key, op.value));
          break;
        case KvOp::Kind::kUpdate:
          // Version 1 refuses SR_KV_UPDATE; its single master orders its own writes anyway.
          raw.push_back(store_.clustered() ? sr::KvStore::Update(ns, op.key, op.value)
                                           : sr::KvStore::Put(ns, op.key, op.value));
          break;
        case KvOp::Kind::kDelete:
          raw.push_back(sr::KvStore::Delete(ns, op.key));
          break;
      }
    }
    store_.Write(raw);
  });
}

std::uint64_t KvStoreClient::NextId(std::string_view name) {
  return Translated([&] { return store_.NextId(name); });
}

namespace {

// Owns the SDK's watch, which ends when this is destroyed.
class ServiceWatch final : public StoreWatch {
 public:
  explicit ServiceWatch(sr::KvStore::Watch watch) : watch_(std::move(watch)) {}

 private:
  sr::KvStore::Watch watch_;
};

}  // namespace

std::unique_ptr<StoreWatch> KvStoreClient::Watch(std::string_view space, ChangeVisitor visit) {
  if (!store_.clustered()) return nullptr;
  return Translated([&]() -> std::unique_ptr<StoreWatch> {
    return std::make_unique<ServiceWatch>(
        store_.WatchChanges(store_.Open(space), std::move(visit)));
  });
}

}  // namespace sr::auth
