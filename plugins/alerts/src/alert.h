// What the rules report and what the alert book turns it into. Plain values, no ABI types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sr::alerts {

enum class Severity { kInfo, kWarning, kCritical };
std::string_view SeverityName(Severity severity);

// One rule's verdict about one alert, at one evaluation.
struct Signal {
  enum class Kind {
    kFire,     // the condition holds: firing until a kResolve of the same key
    kResolve,  // the condition no longer holds
    kNotice    // something happened (spawners expired): sent once, never resolved
  };
  Kind kind = Kind::kFire;
  std::string key;   // one alert: "region_capacity_low:eu-west"
  std::string name;  // its kind: "region_capacity_low"
  Severity severity = Severity::kWarning;
  std::string summary;         // one line for people
  std::string details = "{}";  // a JSON object for machines
  // kFire of an alert already firing: the content says something not sent yet (more spawners
  // went suspect), so it is sent again whatever the repeat interval.
  bool news = false;
};

using Signals = std::vector<Signal>;

// One message to the webhooks: an alert firing (or firing again), resolved, or a notice.
struct Notification {
  std::uint64_t id = 0;  // increasing, starts at 1
  std::string key;
  std::string name;
  Severity severity = Severity::kWarning;
  bool resolved = false;
  bool repeat = false;  // a firing alert sent again (repeat interval or news)
  std::string summary;
  std::string details = "{}";
  std::int64_t time_ms = 0;   // when this message was made (Unix ms)
  std::int64_t since_ms = 0;  // when the alert started firing
};

}  // namespace sr::alerts
