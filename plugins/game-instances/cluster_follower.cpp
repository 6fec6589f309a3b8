#include "cluster_follower.h"

namespace sr::game_instances {

ClusterFollower::ClusterFollower(KvInstanceStore& store, Fleet& fleet, EventSink& events)
    : fleet_(fleet), events_(events) {
  if (!store.clustered()) return;
  watch_ = store.Watch([this](std::string_view key, std::string_view value, bool deleted) {
    OnChange(key, value, deleted);
  });
}

void ClusterFollower::OnChange(std::string_view key, std::string_view value, bool deleted) {
  if (KvInstanceStore::IsCounterKey(key)) return;
  if (deleted) {
    // Another master's retention dropped it: its "stopped" was announced already.
    if (auto number = ParseInstanceId(key)) fleet_.ForgetRemote(*number);
    return;
  }
  std::optional<Instance> stored = InstanceFromJson(value);
  if (!stored || stored->id() != key) {
    events_.Warn(std::string("another master stored instance '")
                     .append(key)
                     .append("' in a form this one cannot read; ignored"));
    return;
  }
  auto [change, instance] = fleet_.ApplyRemote(*stored);
  if (change == Fleet::RemoteChange::kStarted) {
    events_.Publish("instance.started", InstanceJson(instance));
  } else if (change == Fleet::RemoteChange::kEnded) {
    // As the master that ended it said: a stop through the API, or gone from its agent.
    events_.Publish("instance.stopped",
                    InstanceJson(instance, instance.status == kStopped ? "deleted" : "gone"));
  }
}

}  // namespace sr::game_instances
