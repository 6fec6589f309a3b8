// Reads what the rules look at, through the ABI: the spawner-directory service (suspect
// spawners, region totals), the host's statistics and error log, statvfs of the data folder
// and the kv-store's health.
#pragma once

#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <cstdint>
#include <string>

#include "alert_rules.h"
#include "observation.h"

namespace sr {
class Host;
}

namespace sr::alerts {

class FleetProbe {
 public:
  // `directory` and `store` may be null (their rules then wait); `disk_path` may be empty.
  // Only what an enabled rule of `rules` looks at is read.
  FleetProbe(sr::Host& host, const sr_spawner_directory_v2* directory, const sr_kv_store_v1* store,
             std::string disk_path, const RuleOptions& rules);

  // Called by one task at a time.
  Observation Observe(std::int64_t now_ms);

 private:
  std::optional<std::vector<SpawnerInfo>> Suspect();
  std::optional<std::vector<RegionCapacity>> Regions();
  std::optional<Traffic> ReadTraffic();
  std::optional<DiskSpace> Disk();
  std::optional<StoreStatus> Store();

  sr::Host& host_;
  const sr_spawner_directory_v2* directory_;
  const sr_kv_store_v1* store_;
  std::string disk_path_;
  bool suspect_;
  bool capacity_;
  std::optional<int> min_status_;    // absent: the error rate is not checked
  std::uint64_t last_sequence_ = 0;  // of the error log, read up to here
  std::uint64_t counted_errors_ = 0;
  bool disk_failed_ = false;  // logged once per failure streak
};

}  // namespace sr::alerts
