// The alerts plugin's section of plugins.yaml, read and checked (README: Configuration).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alert_book.h"
#include "alert_rules.h"
#include "webhook_sender.h"

namespace sr {
class Host;
}

namespace sr::alerts {

struct AlertsSettings {
  std::vector<WebhookOptions> webhooks;
  std::chrono::milliseconds check_interval{std::chrono::seconds(10)};
  AlertBookOptions book;
  RuleOptions rules;
  std::string disk_path;  // the file system checked by the disk rule
  std::string source;     // names this registry in messages
};

// Throws sr::Error (the host has recorded the key and line) for a refused value.
AlertsSettings ReadAlertsSettings(sr::Host& host);

}  // namespace sr::alerts
