#include "spawner_directory_service.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "spawner_json.h"

namespace sr::spawner_registry {

namespace {

Registry& RegistryOf(void* self) { return *static_cast<Registry*>(self); }
sr_str Str(const std::string& text) { return sr_str{text.data(), text.size()}; }

// A v2 table is read as a v1 table by version-1 users: the shared fields must line up.
#define SR_SAME_OFFSET(field)                                                               \
  static_assert(                                                                            \
      offsetof(sr_spawner_directory_v1, field) == offsetof(sr_spawner_directory_v2, field), \
      "sr_spawner_directory_v2 must start with v1's layout: " #field)
SR_SAME_OFFSET(struct_size);
SR_SAME_OFFSET(reserved);
SR_SAME_OFFSET(self);
SR_SAME_OFFSET(totals);
SR_SAME_OFFSET(get);
SR_SAME_OFFSET(snapshot);
#undef SR_SAME_OFFSET

}  // namespace

SpawnerDirectoryService::SpawnerDirectoryService(Registry& registry) : registry_(registry) {
  vtable_.struct_size = sizeof(vtable_);
  vtable_.self = &registry_;
  vtable_.totals = &SpawnerDirectoryService::Totals;
  vtable_.get = &SpawnerDirectoryService::Get;
  vtable_.snapshot = &SpawnerDirectoryService::Snapshot;
  vtable_.visit = &SpawnerDirectoryService::Visit;
  vtable_.region_totals = &SpawnerDirectoryService::RegionTotals;
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

sr_status SpawnerDirectoryService::Visit(void* self, sr_spawner_record_fn fn, void* ctx) noexcept {
  try {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    // Copied first: `fn` runs with no lock held and may call back into the service.
    for (const SpawnerSnapshot& spawner : RegistryOf(self).All()) {
      const SpawnerIdentity& identity = *spawner.identity;
      sr_spawner_record record{};
      record.struct_size = sizeof(record);
      record.port = identity.port;
      record.id = identity.id;
      record.region = Str(identity.region);
      record.host = Str(identity.host);
      record.max_instances = static_cast<uint32_t>(std::max(spawner.load.max_instances, 0));
      record.current_instances = static_cast<uint32_t>(std::max(spawner.load.current_instances, 0));
      record.status = Str(spawner.load.status);
      record.last_seen_ms = spawner.last_seen_ms;
      record.suspect = spawner.suspect ? 1u : 0u;
      record.revision = spawner.revision;
      if (fn(ctx, &record) == 0) break;
    }
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

sr_status SpawnerDirectoryService::RegionTotals(void* self, sr_spawner_region_fn fn,
                                                void* ctx) noexcept {
  try {
    if (fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    for (const auto& [region, totals] : RegistryOf(self).RegionTotals()) {
      sr_spawner_region_totals out{};
      out.struct_size = sizeof(out);
      out.region = Str(region);
      out.spawners = totals.spawners;
      out.suspect = totals.suspect;
      out.current_instances = totals.current_instances;
      out.max_instances = totals.max_instances;
      if (fn(ctx, &out) == 0) break;
    }
    return SR_OK;
  } catch (...) {
    return SR_ERR_INTERNAL;
  }
}

}  // namespace sr::spawner_registry
