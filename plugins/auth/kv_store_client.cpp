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
      raw.push_back(op.kind == KvOp::Kind::kPut ? sr::KvStore::Put(ns, op.key, op.value)
                                                : sr::KvStore::Delete(ns, op.key));
    }
    store_.Write(raw);
  });
}

}  // namespace sr::auth
