// What the plugin tells the rest of the system: build.uploaded, build.activated, and
// audit.record entries (stored by the auth plugin's audit log).
#pragma once

#include <optional>
#include <sr/plugin.hpp>
#include <string>
#include <string_view>

#include "build_record.h"

namespace sr::file_distribution {

class BuildEvents {
 public:
  explicit BuildEvents(sr::Host& host) : host_(host) {}

  void Uploaded(const BuildRecord& build);
  void Activated(const BuildRecord& build, const std::optional<std::string>& previous,
                 std::string_view activated_by);
  void Audit(std::string_view actor, std::string_view action, std::string_view target,
             std::string_view ip, std::string_view detail);

 private:
  void Publish(std::string_view topic, const std::string& json);

  sr::Host& host_;
};

}  // namespace sr::file_distribution
