// The machine and the store: "disk_space_low" (the data folder's file system) and
// "store_unavailable" (the kv-store cannot write).
#pragma once

#include <cstdint>

#include "alert.h"
#include "observation.h"

namespace sr::alerts {

struct DiskOptions {
  std::uint64_t min_free_bytes = 1ull << 30;  // fires below either threshold; 0: not checked
  std::uint32_t min_free_percent = 5;
};

Signals EvaluateDisk(const DiskSpace& disk, const DiskOptions& options);
Signals EvaluateStore(const StoreStatus& store);

}  // namespace sr::alerts
