#include "build_events.h"

#include "api_json.h"

namespace sr::file_distribution {

// The change is already committed when its event goes out: a lost event must not fail the
// request that made it, so it is logged (nobody listens any more once the host shuts down).
void BuildEvents::Publish(std::string_view topic, const std::string& json) {
  try {
    host_.Publish(topic, json);
  } catch (const sr::ShuttingDown&) {
  } catch (const sr::Error& error) {
    host_.Warn(std::string("event lost: ") + error.what());
  }
}

void BuildEvents::Uploaded(const BuildRecord& build) {
  Publish("build.uploaded", UploadedEventJson(build));
}

void BuildEvents::Activated(const BuildRecord& build, const std::optional<std::string>& previous,
                            std::string_view activated_by) {
  Publish("build.activated", ActivatedEventJson(build, previous, activated_by));
}

void BuildEvents::Audit(std::string_view actor, std::string_view action, std::string_view target,
                        std::string_view ip, std::string_view detail) {
  Publish("audit.record", AuditJson(actor, action, target, ip, detail));
}

}  // namespace sr::file_distribution
