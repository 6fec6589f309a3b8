// The "kv-store" v2 service vtable (sr/services/kv_store.h) over a postgres-store KvStore:
// every entry is a noexcept barrier that turns exceptions into status codes.
#pragma once

#include <sr/services/kv_store.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kv_store.h"

// Opaque to users of the service: the interned namespace name. Each plugin defines its own
// (the type never crosses from one plugin's code into another's).
struct sr_kv_namespace {
  std::string name;
};

namespace sr::postgres_store {

class KvStoreService {
 public:
  explicit KvStoreService(KvStore& store);
  KvStoreService(const KvStoreService&) = delete;
  KvStoreService& operator=(const KvStoreService&) = delete;

  const sr_kv_store_v2* vtable() const { return &vtable_; }
  KvStore& store() { return store_; }

 private:
  static sr_status OpenNamespace(void* self, sr_str name, sr_kv_namespace** out) noexcept;
  static sr_status Get(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn,
                       void* ctx) noexcept;
  static sr_status Scan(void* self, sr_kv_namespace* ns, sr_str start, sr_str end, uint32_t limit,
                        int32_t reverse, sr_kv_row_fn fn, void* ctx) noexcept;
  static sr_status Count(void* self, sr_kv_namespace* ns, uint64_t* out) noexcept;
  static sr_status Write(void* self, const sr_kv_op* ops, size_t count) noexcept;
  static sr_status WriteAsync(void* self, const sr_kv_op* ops, size_t count, sr_kv_done_fn done,
                              void* ctx) noexcept;
  static int32_t Healthy(void* self) noexcept;
  static size_t LastError(void* self, char* buffer, size_t capacity) noexcept;
  static sr_status NextId(void* self, sr_str name, uint64_t* out) noexcept;
  static sr_status Watch(void* self, sr_kv_namespace* ns, sr_kv_change_fn fn, void* ctx,
                         uint64_t* out) noexcept;
  static void Unwatch(void* self, uint64_t watch) noexcept;
  static int32_t Lead(void* self, sr_str name) noexcept;

  KvStore& store_;
  std::mutex namespaces_mutex_;
  std::map<std::string, std::unique_ptr<sr_kv_namespace>, std::less<>> namespaces_;
  sr_kv_store_v2 vtable_{};
};

}  // namespace sr::postgres_store
