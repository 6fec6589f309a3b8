#include "journal.h"

#include <memory>
#include <sr/text.hpp>

namespace sr::game_instances {

void Journal::Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
                    InstanceStore::Done done) {
  if (store_ == nullptr) return done(true, {});
  std::lock_guard<std::mutex> lock(write_mutex_);
  store_->Write(put, erase, fleet_.next_number(), std::move(done));
}

void Journal::Started(const Instance& instance, std::function<void()> then) {
  auto finish = std::make_shared<std::function<void()>>(std::move(then));
  Write({instance}, {}, [this, instance, finish](bool ok, const std::string& message) {
    if (!ok) {
      events_.Warn("instance " + instance.id() + " was not stored (" + message +
                   "); it is tracked in memory until the store accepts writes");
    }
    events_.Publish("instance.started", InstanceJson(instance));
    if (*finish) (*finish)();
  });
}

void Journal::Ended(const std::vector<Instance>& instances, std::string_view reason) {
  if (instances.empty()) return;
  std::string why(reason);
  Write(instances, {}, [this, instances, why](bool ok, const std::string& message) {
    if (!ok) events_.Warn("ended instances were not stored: " + message);
    for (const auto& instance : instances) {
      events_.Publish("instance.stopped", InstanceJson(instance, why));
    }
  });
}

void Journal::Dropped(const std::vector<Instance>& instances) {
  if (instances.empty()) return;
  Write({}, instances, [this](bool ok, const std::string& message) {
    if (!ok) events_.Warn("expired instances were not erased from the store: " + message);
  });
}

void Journal::AllocationFailed(std::string_view region, std::string_view error, int status) {
  std::string json = "{\"region\":";
  sr::AppendJsonString(json, region);
  json += ",\"error\":";
  sr::AppendJsonString(json, error);
  json += ",\"status\":" + std::to_string(status) + "}";
  events_.Publish("allocation.failed", std::move(json));
}

}  // namespace sr::game_instances
