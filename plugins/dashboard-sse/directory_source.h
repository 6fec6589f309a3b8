#pragma once

#include <sr/services/spawner_directory.h>

#include "spawner_feed.h"

namespace sr::dashboard {

// SpawnerSource over the registry's spawner-directory service (v2: visit gives C structs, so
// the fleet is never parsed from JSON).
class DirectorySource final : public SpawnerSource {
 public:
  explicit DirectorySource(const sr_spawner_directory_v2* directory);

  std::optional<FleetTotals> Totals() override;
  bool Visit(const std::function<void(const SpawnerState&)>& fn) override;
  std::optional<std::string> Get(std::uint64_t id) override;

 private:
  const sr_spawner_directory_v2* directory_;
};

}  // namespace sr::dashboard
