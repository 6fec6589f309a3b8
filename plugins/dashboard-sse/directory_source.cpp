#include "directory_source.h"

#include <sr/plugin.hpp>

namespace sr::dashboard {

namespace {

struct VisitContext {
  const std::function<void(const SpawnerState&)>* fn;
  bool failed = false;
};

// The callback runs inside visit, so the context outlives it; an exception thrown by `fn`
// must not cross the C boundary, hence the barrier (it stops the visit).
int32_t ForwardRecord(void* ctx, const sr_spawner_record* record) noexcept {
  auto& context = *static_cast<VisitContext*>(ctx);
  try {
    SpawnerState state;
    state.id = record->id;
    state.revision = record->revision;
    state.last_seen_ms = record->last_seen_ms;
    state.max_instances = record->max_instances;
    state.current_instances = record->current_instances;
    state.status = sr::View(record->status);
    state.suspect = record->suspect != 0;
    (*context.fn)(state);
    return 1;
  } catch (...) {
    context.failed = true;
    return 0;
  }
}

void CopyJson(void* ctx, sr_str json, std::uint64_t) noexcept {
  try {
    static_cast<std::string*>(ctx)->assign(json.data, json.size);
  } catch (...) {
    static_cast<std::string*>(ctx)->clear();
  }
}

}  // namespace

DirectorySource::DirectorySource(const sr_spawner_directory_v2* directory)
    : directory_(directory) {}

std::optional<FleetTotals> DirectorySource::Totals() {
  sr_spawner_totals totals{};
  totals.struct_size = sizeof(totals);
  if (directory_->totals(directory_->self, &totals) != SR_OK) return std::nullopt;
  FleetTotals out;
  out.available = true;
  out.spawners = totals.spawners;
  out.suspect = totals.suspect;
  out.current_instances = totals.current_instances;
  out.max_instances = totals.max_instances;
  out.version = totals.version;
  return out;
}

bool DirectorySource::Visit(const std::function<void(const SpawnerState&)>& fn) {
  VisitContext context{&fn};
  sr_status status = directory_->visit(directory_->self, &ForwardRecord, &context);
  return status == SR_OK && !context.failed;
}

std::optional<std::string> DirectorySource::Get(std::uint64_t id) {
  std::string json;
  if (directory_->get(directory_->self, id, &CopyJson, &json) != SR_OK || json.empty()) {
    return std::nullopt;
  }
  return json;
}

}  // namespace sr::dashboard
