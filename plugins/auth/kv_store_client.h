// KeyValueStore over the "kv-store" service vtable (plugin-api/include/sr/services/kv_store.h).
#pragma once

#include <sr/services/kv_store.h>

#include <map>
#include <mutex>
#include <string>

#include "key_value_store.h"

namespace sr::auth {

class KvStoreClient final : public KeyValueStore {
 public:
  // `service` must outlive the client (providers outlive their users).
  explicit KvStoreClient(const sr_kv_store_v1& service);

  std::optional<std::string> Get(std::string_view space, std::string_view key) override;
  void Scan(std::string_view space, std::string_view start, std::string_view end,
            std::uint32_t limit, bool reverse, const RowVisitor& visit) override;
  void Write(const std::vector<KvOp>& ops) override;
  bool durable() const override { return true; }

 private:
  sr_kv_namespace* Namespace(std::string_view name);
  [[noreturn]] void Fail(std::string_view what, sr_status status) const;

  const sr_kv_store_v1& service_;
  std::mutex mutex_;
  std::map<std::string, sr_kv_namespace*, std::less<>> namespaces_;
};

}  // namespace sr::auth
