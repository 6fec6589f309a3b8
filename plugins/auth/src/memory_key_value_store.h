// KeyValueStore in process memory: used when no kv-store service is enabled, and by tests.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "key_value_store.h"

namespace sr::auth {

class MemoryKeyValueStore final : public KeyValueStore {
 public:
  std::optional<std::string> Get(std::string_view space, std::string_view key) override;
  void Scan(std::string_view space, std::string_view start, std::string_view end,
            std::uint32_t limit, bool reverse, const RowVisitor& visit) override;
  void Write(const std::vector<KvOp>& ops) override;
  bool durable() const override { return false; }

  // Makes every later call throw StoreError, as a failing disk would (for tests).
  void SetFailing(bool failing);
  std::size_t Count(std::string_view space);

 private:
  using Space = std::map<std::string, std::string, std::less<>>;
  void ThrowIfFailing() const;

  std::mutex mutex_;
  std::map<std::string, Space, std::less<>> spaces_;
  bool failing_ = false;
};

}  // namespace sr::auth
