#include "directory_source.h"

#include <sr/plugin.hpp>

namespace sr::dashboard {

namespace {

using SnapshotFn = std::function<void(std::string_view, std::uint64_t)>;

void ForwardSnapshot(void* ctx, sr_str json, std::uint64_t version) noexcept {
  (*static_cast<const SnapshotFn*>(ctx))(sr::View(json), version);
}

}  // namespace

DirectorySource::DirectorySource(const sr_spawner_directory_v1* directory)
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

bool DirectorySource::Snapshot(const SnapshotFn& fn) {
  // The callback runs inside the call, so `fn` outlives it; an exception thrown by `fn` must
  // not cross the C boundary, hence the barrier.
  bool failed = false;
  SnapshotFn guarded = [&](std::string_view json, std::uint64_t version) {
    try {
      fn(json, version);
    } catch (...) {
      failed = true;
    }
  };
  sr_status status = directory_->snapshot(directory_->self, &ForwardSnapshot, &guarded);
  return status == SR_OK && !failed;
}

}  // namespace sr::dashboard
