#pragma once

#include <sr/services/spawner_directory.h>

#include "spawner_feed.h"

namespace sr::dashboard {

// SpawnerSource over the registry's spawner-directory service (v1).
class DirectorySource final : public SpawnerSource {
 public:
  explicit DirectorySource(const sr_spawner_directory_v1* directory);

  std::optional<FleetTotals> Totals() override;
  bool Snapshot(
      const std::function<void(std::string_view json, std::uint64_t version)>& fn) override;

 private:
  const sr_spawner_directory_v1* directory_;
};

}  // namespace sr::dashboard
