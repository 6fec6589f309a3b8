// alerts: watches the fleet, the host and the machine, and posts to webhooks when something
// needs a person (README.md in this folder).
//
// Route (guards provided by the auth plugin):
//   GET /api/alerts   session:viewer|api-key:operator   firing alerts and recent messages with
//                                                        each webhook's delivery (?limit=, 50)
// Task "alerts check": every check_interval, evaluates the rules (alerts_settings.h).
// Events consumed: spawner.removed (reason expired), allocation.failed.
// Services: uses "spawner-directory" v2 and "kv-store" v1, both optional.
// Threads: one per webhook (webhook_sender.h); nothing else waits for a webhook.
#include <rapidjson/document.h>
#include <sr/services/kv_store.h>
#include <sr/services/spawner_directory.h>

#include <chrono>
#include <memory>
#include <sr/plugin.hpp>
#include <vector>

#include "alert_book.h"
#include "alert_rules.h"
#include "alerts_settings.h"
#include "curl_transport.h"
#include "fleet_probe.h"
#include "wall_clock.h"
#include "webhook_body.h"
#include "webhook_sender.h"

namespace sr::alerts {

namespace {

std::string StringMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::uint64_t UintMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

}  // namespace

class AlertsPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"alerts", "1.0.0",
                        "Alert webhooks: spawners, capacity, error rate, disk and store"};
    info.uses = {sr::Service(SR_SPAWNER_DIRECTORY_SERVICE, SR_SPAWNER_DIRECTORY_VERSION_2),
                 sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)};
    return info;
  }

  void Init(sr::Host& host) override {
    host_ = &host;
    settings_ = ReadAlertsSettings(host);
    const auto* directory = host.Lookup<sr_spawner_directory_v2>(SR_SPAWNER_DIRECTORY_SERVICE,
                                                                 SR_SPAWNER_DIRECTORY_VERSION_2);
    const auto* store = host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION);
    if (directory == nullptr) {
      host.Warn(
          "no spawner-directory v2 service (enable spawner-registry): spawner and "
          "capacity alerts are off");
    }
    if (store == nullptr && settings_.rules.store) {
      host.Info("no kv-store service: the store alert is off");
    }
    if (settings_.webhooks.empty()) {
      host.Info("no webhooks configured: alerts are logged and listed by GET /api/alerts only");
    }
    book_ = std::make_unique<AlertBook>(settings_.book);
    rules_ = std::make_unique<AlertRules>(settings_.rules);
    probe_ =
        std::make_unique<FleetProbe>(host, directory, store, settings_.disk_path, settings_.rules);

    removed_ = host.Subscribe("spawner.removed", [this](std::string_view, std::string_view json) {
      OnSpawnerRemoved(json);
    });
    allocation_failed_ = host.Subscribe(
        "allocation.failed",
        [this](std::string_view, std::string_view json) { OnAllocationFailed(json); });

    host.Route("GET", "/api/alerts", "session:viewer|api-key:operator",
               [this](sr::Request& request, sr::Response& response) {
                 std::size_t limit = 50;
                 if (auto text = request.QueryParam("limit")) {
                   std::size_t parsed = 0;
                   for (char c : *text) {
                     if (c < '0' || c > '9' || parsed > 100000) {
                       response.Error(400, "limit must be a number from 1 to 10000");
                       return;
                     }
                     parsed = parsed * 10 + static_cast<std::size_t>(c - '0');
                   }
                   if (parsed < 1 || parsed > 10000) {
                     response.Error(400, "limit must be a number from 1 to 10000");
                     return;
                   }
                   limit = parsed;
                 }
                 response.AddHeader("Cache-Control", "no-store");
                 response.Json(200, book_->Json(limit));
               });
  }

  void Start() override {
    for (std::size_t i = 0; i < settings_.webhooks.size(); ++i) {
      const WebhookOptions& options = settings_.webhooks[i];
      senders_.push_back(std::make_unique<WebhookSender>(
          options, std::make_unique<CurlTransport>(options.url),
          [this, i, name = options.name](std::uint64_t id, const Delivery& delivery) {
            book_->SetDelivery(id, i, delivery);
            if (delivery.state == Delivery::State::kFailed ||
                delivery.state == Delivery::State::kDropped) {
              host_->Warn("webhook '" + name + "': alert message " + std::to_string(id) +
                          " not delivered after " + std::to_string(delivery.attempts) +
                          " attempts: " + delivery.last_error);
            }
          }));
    }
    check_ = host_->Every("alerts check", settings_.check_interval, [this] { Check(); });
  }

  void Stop() override {
    check_.Cancel();
    removed_.Reset();
    allocation_failed_.Reset();
    for (std::size_t i = 0; i < senders_.size(); ++i) {
      std::size_t left = senders_[i]->Stop();
      if (left > 0) {
        host_->Warn("webhook '" + settings_.webhooks[i].name + "': " + std::to_string(left) +
                    " alert messages not sent before shutdown");
      }
    }
  }

 private:
  void Check() {
    std::int64_t now = NowMs();
    Signals signals = rules_->Evaluate(probe_->Observe(now));
    for (const Notification& notification : book_->Apply(signals, now)) {
      std::string line = AlertLine(notification, "");
      if (notification.severity == Severity::kCritical && !notification.resolved) {
        host_->Warn(line);
      } else {
        host_->Info(line);
      }
      if (senders_.empty()) continue;
      std::string body = WebhookBody(notification, settings_.source);
      for (auto& sender : senders_) sender->Enqueue(notification.id, body);
    }
  }

  void OnSpawnerRemoved(std::string_view json) {
    rapidjson::Document event;
    event.Parse(json.data(), json.size());
    if (event.HasParseError() || !event.IsObject() || StringMember(event, "reason") != "expired") {
      return;
    }
    SpawnerInfo spawner;
    spawner.id = UintMember(event, "id");
    auto it = event.FindMember("spawner");
    if (it != event.MemberEnd() && it->value.IsObject()) {
      spawner.region = StringMember(it->value, "region");
      spawner.host = StringMember(it->value, "host");
      spawner.port = static_cast<std::uint32_t>(UintMember(it->value, "port"));
      spawner.last_seen = StringMember(it->value, "last_seen");
    }
    rules_->OnExpired(std::move(spawner), NowMs());
  }

  void OnAllocationFailed(std::string_view json) {
    rapidjson::Document event;
    event.Parse(json.data(), json.size());
    if (event.HasParseError() || !event.IsObject()) return;
    AllocationFailure failure;
    failure.region = StringMember(event, "region");
    failure.error = StringMember(event, "error");
    failure.status = static_cast<int>(UintMember(event, "status"));
    rules_->OnAllocationFailed(std::move(failure), NowMs());
  }

  sr::Host* host_ = nullptr;
  AlertsSettings settings_;
  std::unique_ptr<AlertBook> book_;
  std::unique_ptr<AlertRules> rules_;
  std::unique_ptr<FleetProbe> probe_;
  std::vector<std::unique_ptr<WebhookSender>> senders_;
  sr::Subscription removed_;
  sr::Subscription allocation_failed_;
  sr::Task check_;
};

}  // namespace sr::alerts

SR_DECLARE_PLUGIN(sr::alerts::AlertsPlugin)
