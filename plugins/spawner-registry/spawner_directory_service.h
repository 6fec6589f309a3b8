// The "spawner-directory" service (sr/services/spawner_directory.h) over the registry: one
// v2 table, which is also a valid v1 table; every entry is a noexcept barrier.
#pragma once

#include <sr/services/spawner_directory.h>

#include "registry.h"

namespace sr::spawner_registry {

class SpawnerDirectoryService {
 public:
  explicit SpawnerDirectoryService(Registry& registry);
  SpawnerDirectoryService(const SpawnerDirectoryService&) = delete;
  SpawnerDirectoryService& operator=(const SpawnerDirectoryService&) = delete;

  // Published as version 2; what a version-1 user reads of it is v1's table.
  const sr_spawner_directory_v2* vtable() const { return &vtable_; }
  const sr_spawner_directory_v1* vtable_v1() const {
    return reinterpret_cast<const sr_spawner_directory_v1*>(&vtable_);
  }

 private:
  static sr_status Totals(void* self, sr_spawner_totals* out) noexcept;
  static sr_status Get(void* self, uint64_t id, sr_spawner_json_fn fn, void* ctx) noexcept;
  static sr_status Snapshot(void* self, sr_spawner_json_fn fn, void* ctx) noexcept;
  static sr_status Visit(void* self, sr_spawner_record_fn fn, void* ctx) noexcept;
  static sr_status RegionTotals(void* self, sr_spawner_region_fn fn, void* ctx) noexcept;

  Registry& registry_;
  sr_spawner_directory_v2 vtable_{};
};

}  // namespace sr::spawner_registry
