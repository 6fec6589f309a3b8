#include "registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "registry_fakes.h"
#include "spawner_codec.h"

namespace sr::spawner_registry {
namespace {

using testing::FakeClock;
using testing::FakeStore;
using testing::RecordingEvents;
using Table = RegistryStore::Table;
using Result = ChangeOutcome::Result;

Registration MakeRegistration(std::uint16_t port = 7777) {
  Registration registration;
  registration.region = "eu";
  registration.host = "10.0.0.1";
  registration.port = port;
  registration.max_instances = 8;
  return registration;
}

RegistryOptions Options() {
  RegistryOptions options;
  options.ttl = std::chrono::milliseconds(60000);
  options.suspect_after = std::chrono::milliseconds(30000);
  options.removal_batch = 2;
  return options;
}

struct SpawnerRegistryRegistryTest : ::testing::Test {
  FakeClock clock;
  RecordingEvents events;
  FakeStore store;

  std::unique_ptr<Registry> Open(RegistryStore* with_store, RegistryOptions options = Options()) {
    auto registry = std::make_unique<Registry>(options, with_store, events, clock);
    registry->Load([](const std::string& warning) { ADD_FAILURE() << warning; });
    return registry;
  }

  static ChangeOutcome Register(Registry& registry, Registration registration = MakeRegistration(),
                                std::string registered_from = "10.9.8.7") {
    ChangeOutcome result{Result::kUnavailable, 0, "no answer"};
    registry.Register(std::move(registration), std::move(registered_from),
                      [&](const ChangeOutcome& outcome) { result = outcome; });
    return result;
  }
  static ChangeOutcome Delete(Registry& registry, SpawnerId id) {
    ChangeOutcome result{Result::kUnavailable, 0, "no answer"};
    registry.Delete(id, [&](const ChangeOutcome& outcome) { result = outcome; });
    return result;
  }
  static HeartbeatUpdate Current(std::int32_t current) {
    HeartbeatUpdate update;
    update.current_instances = current;
    return update;
  }
};

TEST_F(SpawnerRegistryRegistryTest, IdsIncreaseAndAreCommittedWithTheCounter) {
  auto registry = Open(&store);
  EXPECT_EQ(Register(*registry).id, 1u);
  ChangeOutcome second = Register(*registry);
  ASSERT_EQ(second.result, Result::kOk);
  EXPECT_EQ(second.id, 2u);
  EXPECT_EQ(store.commits(), 2);
  EXPECT_EQ(store.table(Table::kMeta).at(std::string(kNextIdKey)), "3");
  EXPECT_EQ(store.table(Table::kSpawners).size(), 2u);
  EXPECT_EQ(events.Count("spawner.registered"), 2u);
  EXPECT_TRUE(registry->Get(2));
}

TEST_F(SpawnerRegistryRegistryTest, ARegistrationTakesEffectOnlyAfterItsCommit) {
  auto registry = Open(&store);
  store.Hold();
  bool answered = false;
  registry->Register(MakeRegistration(), "10.9.8.7",
                     [&](const ChangeOutcome&) { answered = true; });
  EXPECT_FALSE(answered);
  EXPECT_FALSE(registry->Get(1));
  store.Release();
  EXPECT_TRUE(answered);
  EXPECT_TRUE(registry->Get(1));
}

TEST_F(SpawnerRegistryRegistryTest, AFailedCommitLeavesMemoryUnchangedAndBurnsTheId) {
  auto registry = Open(&store);
  store.set_failing(true);
  ChangeOutcome failed = Register(*registry);
  EXPECT_EQ(failed.result, Result::kUnavailable);
  EXPECT_NE(failed.message.find("database or disk is full"), std::string::npos);
  EXPECT_EQ(registry->size(), 0u);
  EXPECT_EQ(events.Count("spawner.registered"), 0u);
  store.set_failing(false);
  EXPECT_EQ(Register(*registry).id, 2u);  // 1 may have reached nobody; it is never reused
}

TEST_F(SpawnerRegistryRegistryTest, DeletionIsCommittedBeforeItTakesEffect) {
  auto registry = Open(&store);
  SpawnerId id = Register(*registry).id;
  store.set_failing(true);
  EXPECT_EQ(Delete(*registry, id).result, Result::kUnavailable);
  EXPECT_TRUE(registry->Get(id));
  store.set_failing(false);
  EXPECT_EQ(Delete(*registry, id).result, Result::kOk);
  EXPECT_FALSE(registry->Get(id));
  EXPECT_TRUE(store.table(Table::kSpawners).empty());
  EXPECT_EQ(Delete(*registry, id).result, Result::kNotFound);
  auto removed = events.Take().back();
  EXPECT_EQ(removed.first, "spawner.removed");
  // The removed record travels with the event, region included.
  EXPECT_EQ(removed.second.rfind(R"({"id":1,"reason":"deleted","revision":1,"spawner":{"id":1,)"
                                 R"("region":"eu",)",
                                 0),
            0u)
      << removed.second;
}

TEST_F(SpawnerRegistryRegistryTest, RestartRestoresSpawnersAndTheCounter) {
  {
    auto registry = Open(&store);
    for (int i = 0; i < 5; ++i) Register(*registry);
    ASSERT_EQ(Delete(*registry, 5).result, Result::kOk);  // the highest id
  }
  auto restarted = Open(&store);
  EXPECT_EQ(restarted->size(), 4u);
  EXPECT_EQ(restarted->Get(4)->identity->host, "10.0.0.1");
  EXPECT_EQ(Register(*restarted).id, 6u);
}

// The directory's rule for restored spawners: no event, revision 1, in every snapshot.
TEST_F(SpawnerRegistryRegistryTest, RestoredSpawnersPublishNothingAndStartAtRevisionOne) {
  {
    auto registry = Open(&store);
    Register(*registry);
    ASSERT_TRUE(registry->Heartbeat(1, Current(2)));
    registry->FlushDirty();
    EXPECT_EQ(registry->Get(1)->revision, 2u);
  }
  events.Take();
  auto restarted = Open(&store);
  EXPECT_TRUE(events.Take().empty());
  std::vector<SpawnerSnapshot> all = restarted->All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].revision, 1u);
  EXPECT_EQ(all[0].load.current_instances, 2);
}

TEST_F(SpawnerRegistryRegistryTest, TheLargestStoredIdWinsOverALostCounter) {
  {
    auto registry = Open(&store);
    for (int i = 0; i < 3; ++i) Register(*registry);
  }
  store.Put(Table::kMeta, std::string(kNextIdKey), "1");
  auto restarted = Open(&store);
  EXPECT_EQ(Register(*restarted).id, 4u);
}

TEST_F(SpawnerRegistryRegistryTest, LoadedSpawnersGetAFullTtlOfGrace) {
  {
    auto registry = Open(&store);
    Register(*registry);
  }
  std::int64_t stored_last_seen = clock.WallMs();
  clock.Advance(10 * 60000);  // the master was down for ten minutes
  auto restarted = Open(&store);
  auto loaded = restarted->Get(1);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->suspect);
  EXPECT_EQ(loaded->last_seen_ms, stored_last_seen);  // the truth, not the restart time
  EXPECT_EQ(restarted->SweepExpired().removed, 0u);
  clock.Advance(60001);
  EXPECT_EQ(restarted->SweepExpired().removed, 1u);
}

TEST_F(SpawnerRegistryRegistryTest, HeartbeatsAreWrittenBehindInOneBatch) {
  auto registry = Open(&store);
  for (int i = 0; i < 3; ++i) Register(*registry);
  events.Take();
  int commits = store.commits();
  EXPECT_TRUE(registry->Heartbeat(1, Current(4)));
  EXPECT_TRUE(registry->Heartbeat(1, Current(5)));
  EXPECT_TRUE(registry->Heartbeat(3, Current(6)));
  EXPECT_FALSE(registry->Heartbeat(9, Current(6)));
  EXPECT_EQ(store.commits(), commits);  // nothing written yet
  registry->FlushDirty();
  EXPECT_EQ(store.commits(), commits + 1);
  auto stored = DecodeStoredSpawner(1, store.table(Table::kSpawners).at(SpawnerKey(1)));
  EXPECT_EQ(stored->load.current_instances, 5);
  EXPECT_EQ(events.Count("spawner.updated"), 2u);
  registry->FlushDirty();
  EXPECT_EQ(store.commits(), commits + 1);  // nothing new
}

TEST_F(SpawnerRegistryRegistryTest, ALargeWriteBehindGoesInBoundedBatchesAndMissesNobody) {
  auto registry = Open(&store);
  const std::size_t count = Registry::kFlushBatch * 2 + 500;
  for (std::size_t i = 0; i < count; ++i) Register(*registry);
  events.Take();
  int commits = store.commits();
  for (SpawnerId id = 1; id <= count; ++id) registry->Heartbeat(id, Current(9));
  registry->FlushDirty();
  // Whole shards per batch: a batch may pass kFlushBatch by less than one shard's share.
  EXPECT_GE(store.commits(), commits + 3);
  EXPECT_LE(store.commits(), commits + 4);
  EXPECT_EQ(events.Count("spawner.updated"), count);
  for (SpawnerId id : {SpawnerId{1}, SpawnerId{count / 2}, SpawnerId{count}}) {
    auto stored = DecodeStoredSpawner(id, store.table(Table::kSpawners).at(SpawnerKey(id)));
    EXPECT_EQ(stored->load.current_instances, 9) << id;
  }
}

TEST_F(SpawnerRegistryRegistryTest, AFailedWriteBehindIsRetried) {
  auto registry = Open(&store);
  Register(*registry);
  registry->Heartbeat(1, Current(7));
  store.set_failing(true);
  registry->FlushDirty();
  store.set_failing(false);
  registry->FlushDirty();
  auto stored = DecodeStoredSpawner(1, store.table(Table::kSpawners).at(SpawnerKey(1)));
  EXPECT_EQ(stored->load.current_instances, 7);
}

TEST_F(SpawnerRegistryRegistryTest, AWriteBehindNeverResurrectsADeletedSpawner) {
  auto registry = Open(&store);
  Register(*registry);
  registry->Heartbeat(1, Current(2));
  store.Hold();
  bool deleted = false;
  registry->Delete(1,
                   [&](const ChangeOutcome& outcome) { deleted = outcome.result == Result::kOk; });
  // A flush while the deletion is being committed must leave spawner 1 out.
  std::thread flush([&] { registry->FlushDirty(); });
  store.Release();
  flush.join();
  EXPECT_TRUE(deleted);
  EXPECT_TRUE(store.table(Table::kSpawners).empty());
}

TEST_F(SpawnerRegistryRegistryTest, ExpiryRemovesSilentSpawnersInBatches) {
  auto registry = Open(&store);
  for (int i = 0; i < 5; ++i) Register(*registry);
  clock.Advance(40000);
  registry->Heartbeat(2, Current(0));
  EXPECT_TRUE(registry->Get(1)->suspect);
  EXPECT_FALSE(registry->Get(2)->suspect);
  clock.Advance(20001);
  events.Take();
  int commits = store.commits();
  SweepSummary sweep = registry->SweepExpired();
  EXPECT_EQ(sweep.expired, 4u);
  EXPECT_EQ(sweep.removed, 4u);
  EXPECT_EQ(store.commits(), commits + 2);  // removal_batch = 2
  EXPECT_EQ(registry->size(), 1u);
  EXPECT_TRUE(registry->Get(2));
  auto removed = events.Take();
  ASSERT_EQ(removed.size(), 4u);
  EXPECT_EQ(removed[0].second.rfind(R"({"id":1,"reason":"expired","revision":)", 0), 0u);
  EXPECT_NE(removed[0].second.find(R"("spawner":{"id":1,"region":"eu",)"), std::string::npos);
  EXPECT_EQ(store.table(Table::kSpawners).size(), 1u);
}

TEST_F(SpawnerRegistryRegistryTest, AFailedExpiryKeepsTheSpawners) {
  auto registry = Open(&store);
  Register(*registry);
  clock.Advance(60001);
  store.set_failing(true);
  SweepSummary sweep = registry->SweepExpired();
  EXPECT_EQ(sweep.removed, 0u);
  EXPECT_FALSE(sweep.error.empty());
  EXPECT_TRUE(registry->Get(1));
  store.set_failing(false);
  EXPECT_EQ(registry->SweepExpired().removed, 1u);
}

TEST_F(SpawnerRegistryRegistryTest, InMemoryEverythingAnswersAtOnce) {
  auto registry = Open(nullptr);
  EXPECT_FALSE(registry->persistent());
  EXPECT_EQ(Register(*registry).id, 1u);
  EXPECT_EQ(Register(*registry).id, 2u);
  EXPECT_EQ(Delete(*registry, 2).result, Result::kOk);
  EXPECT_EQ(Register(*registry).id, 3u);
  registry->Heartbeat(1, Current(1));
  registry->FlushDirty();
  EXPECT_EQ(events.Count("spawner.updated"), 1u);
}

TEST_F(SpawnerRegistryRegistryTest, TheRegistryHasABound) {
  RegistryOptions options = Options();
  options.max_spawners = 2;
  auto registry = Open(&store, options);
  Register(*registry);
  Register(*registry);
  ChangeOutcome refused = Register(*registry);
  EXPECT_EQ(refused.result, Result::kFull);
  EXPECT_NE(refused.message.find("max_spawners"), std::string::npos);
}

TEST_F(SpawnerRegistryRegistryTest, TotalsAndVersion) {
  auto registry = Open(&store);
  Register(*registry);
  Register(*registry);
  auto version = registry->version();
  registry->Heartbeat(1, Current(3));
  EXPECT_GT(registry->version(), version);
  auto totals = registry->Totals();
  EXPECT_EQ(totals.spawners, 2u);
  EXPECT_EQ(totals.current_instances, 3u);
  EXPECT_EQ(totals.max_instances, 16u);
}

TEST_F(SpawnerRegistryRegistryTest, ARegistrationHandsOutATokenOnlyItsSpawnerAccepts) {
  auto registry = Open(&store);
  ChangeOutcome first = Register(*registry);
  ChangeOutcome second = Register(*registry);
  ASSERT_EQ(first.token.rfind("srt_1_", 0), 0u) << first.token;
  EXPECT_EQ(registry->VerifyToken(first.token), 1u);
  EXPECT_EQ(registry->VerifyToken(second.token), 2u);
  // Another spawner's id with this secret, a changed secret: nothing.
  std::string forged = "srt_2_" + first.token.substr(6);
  EXPECT_FALSE(registry->VerifyToken(forged));
  std::string changed = first.token;
  changed.back() = changed.back() == 'x' ? 'y' : 'x';
  EXPECT_FALSE(registry->VerifyToken(changed));
  EXPECT_FALSE(registry->VerifyToken("srt_9_" + first.token.substr(6)));
  // Only the digest is stored.
  store.Scan(Table::kSpawners, [&](std::string_view, std::string_view value) {
    EXPECT_EQ(value.find(first.token.substr(6)), std::string_view::npos) << value;
    EXPECT_EQ(value.find(second.token.substr(6)), std::string_view::npos) << value;
  });
}

TEST_F(SpawnerRegistryRegistryTest, ATokenSurvivesARestartAndDiesWithItsSpawner) {
  std::string token;
  {
    auto registry = Open(&store);
    token = Register(*registry, MakeRegistration(), "10.1.2.3").token;
  }
  auto restarted = Open(&store);
  EXPECT_EQ(restarted->VerifyToken(token), 1u);
  EXPECT_EQ(restarted->Get(1)->identity->registered_from, "10.1.2.3");
  ASSERT_EQ(Delete(*restarted, 1).result, Result::kOk);
  EXPECT_FALSE(restarted->VerifyToken(token));
}

TEST_F(SpawnerRegistryRegistryTest, ATokenDiesWithExpiry) {
  auto registry = Open(nullptr);
  std::string token = Register(*registry).token;
  EXPECT_EQ(registry->VerifyToken(token), 1u);
  clock.Advance(Options().ttl.count() + 1);
  registry->SweepExpired();
  EXPECT_FALSE(registry->VerifyToken(token));
}

TEST_F(SpawnerRegistryRegistryTest, HeartbeatsAndAuthorizationFollowTheCaller) {
  auto registry = Open(&store);
  Register(*registry, MakeRegistration(), "10.1.2.3");
  Caller same{Caller::Kind::kSharedKey, 0, "10.1.2.3"};
  Caller other{Caller::Kind::kSharedKey, 0, "10.1.2.4"};
  EXPECT_EQ(registry->Heartbeat(1, Current(5), same), Access::kAllowed);
  EXPECT_EQ(registry->Heartbeat(1, Current(6), other), Access::kOtherAddress);
  EXPECT_EQ(registry->Get(1)->load.current_instances, 5);
  EXPECT_EQ(registry->Authorize(1, other), Access::kOtherAddress);
  EXPECT_FALSE(registry->Authorize(2, same));
}

TEST_F(SpawnerRegistryRegistryTest, RecordsFromBeforeTokensLoadWithoutOneAndBindOnFirstUse) {
  store.Put(Table::kSpawners, SpawnerKey(4),
            R"({"region":"eu","host":"10.0.0.1","port":7000,"max_instances":5,)"
            R"("current_instances":1,"status":"active","last_seen_ms":1})");
  {
    auto registry = Open(&store);
    ASSERT_EQ(registry->size(), 1u);
    EXPECT_FALSE(registry->Get(4)->identity->token_digest);
    EXPECT_FALSE(registry->VerifyToken("srt_4_" + std::string(43, 'a')));
    EXPECT_EQ(registry->Authorize(4, Caller{Caller::Kind::kSharedKey, 0, "10.7.7.7"}),
              Access::kBindFirstUse);
    registry->FlushDirty();  // the binding is stored like a heartbeat
  }
  auto restarted = Open(&store);
  EXPECT_EQ(restarted->Get(4)->identity->registered_from, "10.7.7.7");
  EXPECT_EQ(restarted->Authorize(4, Caller{Caller::Kind::kSharedKey, 0, "10.7.7.8"}),
            Access::kOtherAddress);
}

// Holds the first spawner.updated inside Publish until `released` (or 200 ms), so a deletion
// can try to overtake it.
class HoldingEvents final : public EventSink {
 public:
  void Publish(std::string_view topic, std::string) override {
    if (topic == "spawner.updated") {
      std::unique_lock<std::mutex> lock(mutex_);
      holding_ = true;
      changed_.notify_all();
      changed_.wait_for(lock, std::chrono::milliseconds(200), [&] { return released_; });
    }
    std::lock_guard<std::mutex> lock(mutex_);
    topics_.emplace_back(topic);
  }
  void WaitUntilHolding() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return holding_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> Topics() {
    std::lock_guard<std::mutex> lock(mutex_);
    return topics_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool holding_ = false;
  bool released_ = false;
  std::vector<std::string> topics_;
};

// The directory's lining-up rule needs spawner.removed to be a spawner's last event: an
// update taken by the write-behind must not be published after the removal.
TEST(SpawnerRegistryEventOrderTest, RemovedIsASpawnersLastEventEvenWhenAFlushRaces) {
  FakeClock clock;
  HoldingEvents events;
  Registry registry(Options(), nullptr, events, clock);
  SpawnerId id = 0;
  registry.Register(MakeRegistration(), "10.9.8.7",
                    [&](const ChangeOutcome& outcome) { id = outcome.id; });
  ASSERT_TRUE(registry.Heartbeat(id, HeartbeatUpdate{}));
  std::thread flush([&] { registry.FlushDirty(); });
  events.WaitUntilHolding();
  std::thread remove([&] {
    registry.Delete(id, [](const ChangeOutcome&) {});
    events.Release();
  });
  flush.join();
  remove.join();
  EXPECT_EQ(events.Topics(),
            (std::vector<std::string>{"spawner.registered", "spawner.updated", "spawner.removed"}));
}

}  // namespace
}  // namespace sr::spawner_registry
