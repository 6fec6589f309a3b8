// The "spawner-directory" v1 service (sr/services/spawner_directory.h) over the registry:
// every entry is a noexcept barrier.
#pragma once

#include <sr/services/spawner_directory.h>

#include "registry.h"

namespace sr::spawner_registry {

class SpawnerDirectoryService {
 public:
  explicit SpawnerDirectoryService(Registry& registry);
  SpawnerDirectoryService(const SpawnerDirectoryService&) = delete;
  SpawnerDirectoryService& operator=(const SpawnerDirectoryService&) = delete;

  const sr_spawner_directory_v1* vtable() const { return &vtable_; }

 private:
  static sr_status Totals(void* self, sr_spawner_totals* out) noexcept;
  static sr_status Get(void* self, uint64_t id, sr_spawner_json_fn fn, void* ctx) noexcept;
  static sr_status Snapshot(void* self, sr_spawner_json_fn fn, void* ctx) noexcept;

  Registry& registry_;
  sr_spawner_directory_v1 vtable_{};
};

}  // namespace sr::spawner_registry
