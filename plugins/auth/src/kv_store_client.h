// KeyValueStore over the "kv-store" service, through the SDK's client (sr/services/kv_store.hpp).
// Against a version 2 provider it is clustered: sequences, watches and SR_KV_UPDATE.
#pragma once

#include <sr/services/kv_store.hpp>

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
  bool clustered() const override { return store_.clustered(); }
  std::uint64_t NextId(std::string_view name) override;
  std::unique_ptr<StoreWatch> Watch(std::string_view space, ChangeVisitor visit) override;

 private:
  sr::KvStore store_;
};

}  // namespace sr::auth
