#include "spawner_directory_service.h"

#include <algorithm>
#include <cstring>

#include "spawner_json.h"

namespace sr::spawner_registry {

namespace {

Registry& RegistryOf(void* self) { return *static_cast<Registry*>(self); }
sr_str Str(const std::string& text) { return sr_str{text.data(), text.size()}; }

}  // namespace

SpawnerDirectoryService::SpawnerDirectoryService(Registry& registry) : registry_(registry) {
  vtable_.struct_size = sizeof(vtable_);
  vtable_.self = &registry_;
  vtable_.totals = &SpawnerDirectoryService::Totals;
  vtable_.get = &SpawnerDirectoryService::Get;
  vtable_.snapshot = &SpawnerDirectoryService::Snapshot;
}

sr_status SpawnerDirectoryService::Totals(void* self, sr_spawner_totals* out) noexcept {
  try {
    if (out == nullptr || out->struct_size < sizeof(uint32_t)) return SR_ERR_INVALID_ARGUMENT;
    Registry& registry = RegistryOf(self);
    SpawnerTable::Totals totals = registry.Totals();
    sr_spawner_totals full{};
    full.struct_size = sizeof(full);
    full.spawners = totals.spawners;
    full.suspect = totals.suspect;
    full.current_instances = totals.current_instances;
    full.max_instances = totals.max_instances;
    full.version = registry.version();
    // The caller may know a shorter (older) struct: fill only what it has.
    uint32_t caller_size = out->struct_size;
    std::memcpy(out, &full, std::min<size_t>(caller_size, sizeof(full)));
    out->struct_size = caller_size;
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status SpawnerDirectoryService::Get(void* self, uint64_t id, sr_spawner_json_fn fn,
                                       void* ctx) noexcept {
  try {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    Registry& registry = RegistryOf(self);
    std::uint64_t version = registry.version();
    std::optional<SpawnerSnapshot> spawner = registry.Get(id);
    if (!spawner) return SR_ERR_NOT_FOUND;
    std::string json = SpawnerJson(*spawner);
    fn(ctx, Str(json), version);
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status SpawnerDirectoryService::Snapshot(void* self, sr_spawner_json_fn fn, void* ctx) noexcept {
  try {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    SpawnerListCache::Snapshot list = RegistryOf(self).list().Get();
    fn(ctx, Str(*list.json), list.version);
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

}  // namespace sr::spawner_registry
