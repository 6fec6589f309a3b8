#include "journal.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sr::game_instances {
namespace {

// Holds each batch until the test commits it, as the kv-store's writer thread would.
class HeldStore final : public InstanceStore {
 public:
  struct Batch {
    std::vector<Instance> put;
    std::vector<Instance> erase;
    std::uint64_t next_number;
    Done done;
  };
  void Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
             std::uint64_t next_number, Done done) override {
    batches.push_back({put, erase, next_number, std::move(done)});
  }
  Loaded Load(const std::function<void(const std::string&)>&) override { return {}; }
  std::vector<Batch> batches;
};

class RecordingEvents final : public EventSink {
 public:
  void Publish(std::string_view topic, std::string json) override {
    published.emplace_back(std::string(topic), std::move(json));
  }
  void Warn(std::string_view message) override { warnings.emplace_back(message); }
  std::vector<std::pair<std::string, std::string>> published;
  std::vector<std::string> warnings;
};

Instance Running(std::uint64_t number) {
  Instance instance;
  instance.number = number;
  instance.spawner_id = 1;
  instance.agent_instance_id = std::string("a").append(std::to_string(number));
  instance.region = "eu";
  instance.host = "10.0.0.1";
  instance.port = 7000;
  instance.status = "running";
  instance.source = "allocation";
  return instance;
}

TEST(Journal, AStartedInstanceIsAnnouncedAndAnsweredOnlyOnceStored) {
  Fleet fleet({});
  HeldStore store;
  RecordingEvents events;
  Journal journal(fleet, &store, events);
  bool answered = false;
  journal.Started(Running(3), [&] { answered = true; });
  ASSERT_EQ(store.batches.size(), 1u);
  EXPECT_EQ(store.batches[0].put.at(0).id(), "i-3");
  EXPECT_EQ(store.batches[0].next_number, fleet.next_number());
  EXPECT_FALSE(answered);
  EXPECT_TRUE(events.published.empty());
  store.batches[0].done(true, "");
  EXPECT_TRUE(answered);
  ASSERT_EQ(events.published.size(), 1u);
  EXPECT_EQ(events.published[0].first, "instance.started");
  EXPECT_NE(events.published[0].second.find(R"("id":"i-3")"), std::string::npos);
}

TEST(Journal, AFailedWriteIsLoggedAndTheInstanceStillAnnounced) {
  Fleet fleet({});
  HeldStore store;
  RecordingEvents events;
  Journal journal(fleet, &store, events);
  bool answered = false;
  journal.Started(Running(4), [&] { answered = true; });
  store.batches[0].done(false, "disk full");
  EXPECT_TRUE(answered);
  ASSERT_EQ(events.warnings.size(), 1u);
  EXPECT_NE(events.warnings[0].find("disk full"), std::string::npos);
}

TEST(Journal, EndedInstancesCarryTheirReasonAndFailuresTheirStatus) {
  Fleet fleet({});
  RecordingEvents events;
  Journal journal(fleet, nullptr, events);  // in memory: announced at once
  Instance gone = Running(5);
  gone.status = "gone";
  gone.ended_ms = 1;
  journal.Ended({gone}, "gone");
  journal.AllocationFailed("eu", "no free capacity", 503);
  ASSERT_EQ(events.published.size(), 2u);
  EXPECT_EQ(events.published[0].first, "instance.stopped");
  EXPECT_NE(events.published[0].second.find(R"("status":"gone")"), std::string::npos);
  EXPECT_NE(events.published[0].second.find(R"("reason":"gone")"), std::string::npos);
  EXPECT_EQ(events.published[1].first, "allocation.failed");
  EXPECT_EQ(events.published[1].second,
            R"({"region":"eu","error":"no free capacity","status":503})");
}

}  // namespace
}  // namespace sr::game_instances
