// sr::Task, sr::Stream and sr::Subscription: each gives its host handle back exactly once,
// through its own host API entry, however it is moved.
#include <sr/plugin.hpp>

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace {

// Opaque handles are never dereferenced: distinct addresses are enough.
char task_storage[2];
char stream_storage[2];
char subscription_storage[2];
sr_task* TaskAt(int i) { return reinterpret_cast<sr_task*>(&task_storage[i]); }
sr_stream* StreamAt(int i) { return reinterpret_cast<sr_stream*>(&stream_storage[i]); }
sr_subscription* SubscriptionAt(int i) {
  return reinterpret_cast<sr_subscription*>(&subscription_storage[i]);
}

std::vector<const void*> released;

sr_host_api CountingApi() {
  sr_host_api api{};
  api.struct_size = sizeof(api);
  api.task_cancel = [](sr_task* task) { released.push_back(task); };
  api.stream_release = [](sr_stream* stream) { released.push_back(stream); };
  api.event_unsubscribe = [](sr_subscription* subscription) { released.push_back(subscription); };
  return api;
}

class HandlesTest : public ::testing::Test {
 protected:
  void SetUp() override { released.clear(); }
  sr_host_api api_ = CountingApi();
};

TEST_F(HandlesTest, DestructionGivesEachHandleBackThroughItsOwnEntry) {
  {
    sr::Task task(&api_, TaskAt(0));
    sr::Stream stream(&api_, StreamAt(0));
    sr::Subscription subscription(&api_, SubscriptionAt(0));
    EXPECT_TRUE(released.empty());
  }
  EXPECT_EQ(released, (std::vector<const void*>{SubscriptionAt(0), StreamAt(0), TaskAt(0)}));
}

TEST_F(HandlesTest, MovingTransfersOwnershipWithoutGivingBack) {
  {
    sr::Task first(&api_, TaskAt(0));
    sr::Task second(std::move(first));
    sr::Task third;
    third = std::move(second);
    EXPECT_TRUE(released.empty());
  }
  EXPECT_EQ(released, std::vector<const void*>{TaskAt(0)});
}

TEST_F(HandlesTest, MoveAssignmentGivesBackTheHandleItReplaces) {
  sr::Subscription kept(&api_, SubscriptionAt(0));
  sr::Subscription replacement(&api_, SubscriptionAt(1));
  kept = std::move(replacement);
  EXPECT_EQ(released, std::vector<const void*>{SubscriptionAt(0)});
  kept.Reset();
  kept.Reset();  // once only
  EXPECT_EQ(released, (std::vector<const void*>{SubscriptionAt(0), SubscriptionAt(1)}));
}

TEST_F(HandlesTest, ExplicitReleaseAndCancelHappenOnce) {
  sr::Stream stream(&api_, StreamAt(1));
  sr::Task task(&api_, TaskAt(1));
  stream.Release();
  task.Cancel();
  task.Cancel();
  EXPECT_FALSE(stream.Send("event", "data"));  // released: nothing is sent
  EXPECT_EQ(released, (std::vector<const void*>{StreamAt(1), TaskAt(1)}));
}

}  // namespace
