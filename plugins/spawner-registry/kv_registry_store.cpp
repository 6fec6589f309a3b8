#include "kv_registry_store.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace sr::spawner_registry {

namespace {

sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }
std::string_view View(sr_str text) {
  return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
}

sr_kv_namespace* OpenNamespace(const sr_kv_store_v1& kv, std::string_view name) {
  sr_kv_namespace* ns = nullptr;
  if (kv.open_namespace(kv.self, Str(name), &ns) != SR_OK || ns == nullptr) {
    throw std::runtime_error("kv-store refused to open the namespace '" + std::string(name) + "'");
  }
  return ns;
}

// Called by the store's writer thread: nothing may escape into it.
void OnCommitted(void* ctx, sr_status status, sr_str message) {
  std::unique_ptr<RegistryStore::Done> done(static_cast<RegistryStore::Done*>(ctx));
  try {
    (*done)(status == SR_OK, std::string(View(message)));
  } catch (...) {
    // The registry's callbacks only touch memory and the host; they do not throw in practice,
    // and a throw here must not unwind through another plugin's thread.
  }
}

}  // namespace

KvRegistryStore::KvRegistryStore(const sr_kv_store_v1& kv)
    : kv_(kv), spawners_(OpenNamespace(kv, "spawners")), meta_(OpenNamespace(kv, "spawner_meta")) {}

sr_kv_namespace* KvRegistryStore::NamespaceOf(Table table) const {
  return table == Table::kSpawners ? spawners_ : meta_;
}

std::string KvRegistryStore::LastError() const {
  char buffer[512];
  kv_.last_error(kv_.self, buffer, sizeof(buffer));
  return buffer;
}

void KvRegistryStore::Scan(Table table, const RowVisitor& visit) {
  struct Context {
    const RowVisitor* visit;
    std::exception_ptr failure;
  } context{&visit, nullptr};
  auto row = [](void* ctx, sr_str key, sr_str value) -> int32_t {
    auto* scan = static_cast<Context*>(ctx);
    try {
      (*scan->visit)(View(key), View(value));
      return 1;
    } catch (...) {
      scan->failure = std::current_exception();
      return 0;
    }
  };
  sr_status status = kv_.scan(kv_.self, NamespaceOf(table), sr_str{nullptr, 0}, sr_str{nullptr, 0},
                              0, 0, row, &context);
  if (context.failure) std::rethrow_exception(context.failure);
  if (status != SR_OK) {
    throw std::runtime_error("cannot read from kv-store (status " + std::to_string(status) +
                             "): " + LastError());
  }
}

void KvRegistryStore::Commit(std::vector<Write> writes, Done done) {
  std::vector<sr_kv_op> ops;
  ops.reserve(writes.size());
  for (const Write& write : writes) {
    sr_kv_op op{};
    op.kind = write.kind == Write::Kind::kPut ? SR_KV_PUT : SR_KV_DELETE;
    op.ns = NamespaceOf(write.table);
    op.key = Str(write.key);
    op.value = Str(write.value);
    ops.push_back(op);
  }
  auto owned = std::make_unique<Done>(std::move(done));
  sr_status status = kv_.write_async(kv_.self, ops.data(), ops.size(), &OnCommitted, owned.get());
  if (status == SR_OK) {
    owned.release();  // OWNERSHIP: OnCommitted frees it
    return;
  }
  // Refused before queueing: the store will not call back.
  std::string error = kv_.healthy(kv_.self) != 0 ? std::string() : LastError();
  if (error.empty()) error = "kv-store refused the write (status " + std::to_string(status) + ")";
  (*owned)(false, error);
}

}  // namespace sr::spawner_registry
