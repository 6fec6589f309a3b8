#include "key_value_store.h"

#include <cstdio>

namespace sr::auth {

std::string SequenceKey(std::uint64_t number) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%020llu", static_cast<unsigned long long>(number));
  return buffer;
}

std::uint64_t KeyValueStore::NextId(std::string_view name) {
  throw StoreError("cluster-wide sequences (here '" + std::string(name) +
                   "') need a clustered store");
}

// By value because overrides keep the visitor; a store nobody shares has nothing to report.
// NOLINTNEXTLINE(performance-unnecessary-value-param)
std::unique_ptr<StoreWatch> KeyValueStore::Watch(std::string_view, ChangeVisitor) {
  return nullptr;
}

}  // namespace sr::auth
