#include "resource_rules.h"

#include "json_object.h"
#include "text_format.h"

namespace sr::alerts {

Signals EvaluateDisk(const DiskSpace& disk, const DiskOptions& options) {
  bool below_bytes = options.min_free_bytes > 0 && disk.free_bytes < options.min_free_bytes;
  bool below_percent = options.min_free_percent > 0 && disk.total_bytes > 0 &&
                       disk.free_bytes * 100 <
                           static_cast<std::uint64_t>(options.min_free_percent) * disk.total_bytes;
  Signal signal;
  signal.key = signal.name = "disk_space_low";
  signal.severity = Severity::kCritical;
  signal.details = JsonObject()
                       .Str("path", disk.path)
                       .Uint("free_bytes", disk.free_bytes)
                       .Uint("total_bytes", disk.total_bytes)
                       .Uint("min_free_bytes", options.min_free_bytes)
                       .Uint("min_free_percent", options.min_free_percent)
                       .Done();
  std::string figures = FormatBytes(disk.free_bytes) + " free of " + FormatBytes(disk.total_bytes) +
                        " (" + FormatPercent(disk.free_bytes, disk.total_bytes) + ")";
  if (below_bytes || below_percent) {
    signal.kind = Signal::Kind::kFire;
    std::string threshold = below_bytes ? FormatBytes(options.min_free_bytes)
                                        : std::to_string(options.min_free_percent) + "%";
    signal.summary = "Low disk space for " + disk.path + ": " + figures + ", below " + threshold;
  } else {
    signal.kind = Signal::Kind::kResolve;
    signal.summary = "Disk space for " + disk.path + " is back above the threshold: " + figures;
  }
  return {std::move(signal)};
}

Signals EvaluateStore(const StoreStatus& store) {
  Signal signal;
  signal.key = signal.name = "store_unavailable";
  signal.severity = Severity::kCritical;
  signal.details = JsonObject().Bool("healthy", store.healthy).Str("error", store.error).Done();
  if (!store.healthy) {
    signal.kind = Signal::Kind::kFire;
    signal.summary = "The store cannot write (registrations and deletions fail): " +
                     (store.error.empty() ? std::string("no reason given") : store.error);
  } else {
    signal.kind = Signal::Kind::kResolve;
    signal.summary = "The store writes again";
  }
  return {std::move(signal)};
}

}  // namespace sr::alerts
