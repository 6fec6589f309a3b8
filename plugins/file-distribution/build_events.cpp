#include "build_events.h"

#include "api_json.h"

namespace sr::file_distribution {

void BuildEvents::Uploaded(const BuildRecord& build) {
  host_.Publish("build.uploaded", UploadedEventJson(build));
}

void BuildEvents::Activated(const BuildRecord& build, const std::optional<std::string>& previous,
                            std::string_view activated_by) {
  host_.Publish("build.activated", ActivatedEventJson(build, previous, activated_by));
}

void BuildEvents::Audit(std::string_view actor, std::string_view action, std::string_view target,
                        std::string_view ip, std::string_view detail) {
  host_.Publish("audit.record", AuditJson(actor, action, target, ip, detail));
}

}  // namespace sr::file_distribution
