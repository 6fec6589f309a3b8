#include "alerts_settings.h"

#include <unistd.h>

#include <set>
#include <sr/plugin.hpp>

#include "curl_transport.h"

namespace sr::alerts {

using namespace std::chrono_literals;

namespace {

std::string MachineName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "spawner-registry";
  return name;
}

void ReadWebhooks(sr::Config& config, AlertsSettings& settings) {
  std::chrono::milliseconds retry_initial = config.Duration("retry.initial", 2s, 10ms, 1h);
  std::chrono::milliseconds retry_max = config.Duration("retry.max", 5min, 10ms, 24h);
  int attempts = static_cast<int>(config.Int("retry.attempts", 8, 1, 100));
  if (retry_max < retry_initial) {
    config.Reject("retry.max", "must not be shorter than retry.initial");
  }
  std::set<std::string> names;
  std::size_t count = config.ArrayLength("webhooks");
  for (std::size_t i = 0; i < count; ++i) {
    std::string prefix = "webhooks." + std::to_string(i) + ".";
    WebhookOptions webhook;
    if (!config.Has(prefix + "url")) config.Reject(prefix + "url", "every webhook needs a url");
    webhook.url = config.String(prefix + "url");
    std::string display;
    std::string problem = CheckWebhookUrl(webhook.url, &display);
    if (!problem.empty()) config.Reject(prefix + "url", problem);
    webhook.name = config.String(prefix + "name", display);
    if (webhook.name.empty()) config.Reject(prefix + "name", "must not be empty");
    if (!names.insert(webhook.name).second) {
      config.Reject(prefix + "name",
                    "two webhooks are named '" + webhook.name + "': give each a different name");
    }
    webhook.timeout = config.Duration(prefix + "timeout", webhook.timeout, 100ms, 2min);
    webhook.rate_limit = static_cast<std::uint32_t>(
        config.Int(prefix + "rate_limit", webhook.rate_limit, 1, 100000));
    webhook.rate_limit_per =
        config.Duration(prefix + "rate_limit_per", webhook.rate_limit_per, 1s, 24h);
    webhook.max_queue = static_cast<std::size_t>(config.Int(prefix + "max_queue", 100, 1, 100000));
    webhook.retry_initial = retry_initial;
    webhook.retry_max = retry_max;
    webhook.max_attempts = attempts;
    settings.webhooks.push_back(std::move(webhook));
    settings.book.webhooks.push_back(settings.webhooks.back().name);
  }
}

void ReadRules(sr::Config& config, sr::Host& host, AlertsSettings& settings) {
  RuleOptions& rules = settings.rules;
  rules.batch_window = config.Duration("batch_window", rules.batch_window, 0ms, 1h);
  rules.suspect = config.Bool("spawners.suspect", true);
  rules.expired = config.Bool("spawners.expired", true);
  rules.allocations = config.Bool("allocations.enabled", true);

  rules.capacity.min_free =
      static_cast<std::uint64_t>(config.Int("capacity.min_free", 0, 0, 100000000));
  for (const std::string& region : config.MapKeys("capacity.regions")) {
    rules.capacity.per_region[region] =
        static_cast<std::uint64_t>(config.Int("capacity.regions." + region, 0, 0, 100000000));
  }

  if (config.Bool("errors.enabled", true)) {
    ErrorRateOptions errors;
    errors.max_percent =
        static_cast<std::uint32_t>(config.Int("errors.max_percent", errors.max_percent, 1, 100));
    errors.min_requests = static_cast<std::uint64_t>(config.Int(
        "errors.min_requests", static_cast<std::int64_t>(errors.min_requests), 1, 1000000000));
    errors.window = config.Duration("errors.window", errors.window, 1s, 24h);
    errors.min_status = static_cast<int>(config.Int("errors.min_status", 500, 400, 599));
    if (errors.window < 2 * settings.check_interval) {
      config.Reject("errors.window", "must be at least twice check_interval (" +
                                         std::to_string(settings.check_interval.count()) +
                                         "ms), or no two samples fall in it");
    }
    rules.errors = errors;
  }

  if (config.Bool("disk.enabled", true)) {
    DiskOptions disk;
    disk.min_free_bytes = config.Bytes("disk.min_free", disk.min_free_bytes);
    disk.min_free_percent =
        static_cast<std::uint32_t>(config.Int("disk.min_free_percent", 5, 0, 100));
    settings.disk_path = config.Path("disk.path", host.DataDir());
    if (disk.min_free_bytes == 0 && disk.min_free_percent == 0) {
      config.Reject("disk.min_free",
                    "with min_free and min_free_percent both 0 the disk is never checked: "
                    "set disk.enabled: false instead");
    }
    rules.disk = disk;
  }
  rules.store = config.Bool("store.enabled", true);
}

}  // namespace

AlertsSettings ReadAlertsSettings(sr::Host& host) {
  sr::Config& config = host.config();
  AlertsSettings settings;
  settings.check_interval = config.Duration("check_interval", settings.check_interval, 100ms, 1h);
  settings.book.repeat_interval =
      config.Duration("repeat_interval", settings.book.repeat_interval, 0ms, 24h * 30);
  settings.book.history = static_cast<std::size_t>(config.Int("history", 200, 1, 10000));
  settings.source = config.String("source", MachineName());
  ReadWebhooks(config, settings);
  ReadRules(config, host, settings);
  config.Finish();
  return settings;
}

}  // namespace sr::alerts
