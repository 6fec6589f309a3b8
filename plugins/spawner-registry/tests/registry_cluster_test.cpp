// The registry in cluster mode: several masters, each a Registry over its own KvRegistryStore,
// sharing one in-memory kv-store version 2 (sr::testing::FakeClusterKv). The other masters'
// changes arrive when a test calls Sync() (deterministic), except in the threaded test.
#include <sr/testing/fake_cluster_kv.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kv_registry_store.h"
#include "registry.h"
#include "registry_fakes.h"
#include "spawner_codec.h"
#include "spawner_token.h"

namespace sr::spawner_registry {
namespace {

using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;
using testing::FakeClock;
using testing::RecordingEvents;
using Result = ChangeOutcome::Result;

constexpr std::int64_t kTtlMs = 60000;

Registration MakeRegistration() {
  Registration registration;
  registration.region = "eu";
  registration.host = "10.0.0.1";
  registration.port = 7777;
  registration.max_instances = 8;
  return registration;
}

HeartbeatUpdate Current(std::int32_t current) {
  HeartbeatUpdate update;
  update.current_instances = current;
  return update;
}

// One master: its connection to the database, its store adapter, its clock and its registry.
struct Master {
  // `started_later_ms`: how much later than the others' start (wall clock) it starts.
  Master(FakeClusterDatabase& db, const std::string& name, std::int64_t steady_ms,
         FakeClusterKv::Delivery delivery = FakeClusterKv::Delivery::kManual,
         std::int64_t started_later_ms = 0)
      : kv(db, name, delivery), store(kv.v1()), clock(steady_ms) {
    clock.Advance(started_later_ms);
    RegistryOptions options;
    options.ttl = std::chrono::milliseconds(kTtlMs);
    options.suspect_after = std::chrono::milliseconds(kTtlMs / 2);
    registry = std::make_unique<Registry>(options, &store, events, clock);
    registry->Load([this](const std::string& warning) {
      if (!warnings_expected) ADD_FAILURE() << warning;
      warnings.push_back(warning);
    });
  }
  ~Master() { registry->StopWatching(); }

  ChangeOutcome Register() {
    std::promise<ChangeOutcome> answer;
    registry->Register(MakeRegistration(), "10.9.8.7",
                       [&](const ChangeOutcome& outcome) { answer.set_value(outcome); });
    return answer.get_future().get();
  }
  ChangeOutcome Delete(SpawnerId id) {
    std::promise<ChangeOutcome> answer;
    registry->Delete(id, [&](const ChangeOutcome& outcome) { answer.set_value(outcome); });
    return answer.get_future().get();
  }
  std::vector<std::string> Topics() {
    std::vector<std::string> topics;
    for (const auto& [topic, payload] : events.Take()) topics.push_back(topic);
    return topics;
  }

  bool warnings_expected = false;  // otherwise a warning fails the test
  std::vector<std::string> warnings;
  FakeClusterKv kv;
  KvRegistryStore store;
  FakeClock clock;
  RecordingEvents events;
  std::unique_ptr<Registry> registry;
};

struct SpawnerRegistryClusterTest : ::testing::Test {
  FakeClusterDatabase db;
  // Started 5 s apart: their steady clocks differ, their wall clocks agree.
  std::unique_ptr<Master> a = std::make_unique<Master>(db, "a", 1000000);
  std::unique_ptr<Master> b = std::make_unique<Master>(db, "b", 6000000);

  void Advance(std::int64_t ms) {
    a->clock.Advance(ms);
    b->clock.Advance(ms);
  }
  std::optional<StoredSpawner> Stored(SpawnerId id) {
    auto rows = db.Rows("spawners");
    auto it = rows.find(SpawnerKey(id));
    if (it == rows.end()) return std::nullopt;
    return DecodeStoredSpawner(id, it->second);
  }
};

TEST_F(SpawnerRegistryClusterTest, RegistrationsOnEveryMasterGetDistinctIdsFromTheSequence) {
  EXPECT_TRUE(a->registry->clustered());
  std::set<SpawnerId> ids;
  for (int i = 0; i < 3; ++i) {
    ChangeOutcome on_a = a->Register();
    ChangeOutcome on_b = b->Register();
    ASSERT_EQ(on_a.result, Result::kOk) << on_a.message;
    ASSERT_EQ(on_b.result, Result::kOk) << on_b.message;
    ids.insert(on_a.id);
    ids.insert(on_b.id);
  }
  EXPECT_EQ(ids, (std::set<SpawnerId>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(db.Rows("spawners").size(), 6u);
  EXPECT_TRUE(db.Rows("spawner_meta").empty());  // no counter of its own: the sequence is it
}

TEST_F(SpawnerRegistryClusterTest, ARegistrationOnOneMasterAppearsOnTheOtherWithItsToken) {
  ChangeOutcome registered = a->Register();
  ASSERT_EQ(registered.result, Result::kOk);
  EXPECT_EQ(a->Topics(), std::vector<std::string>{"spawner.registered"});
  std::string empty_list = *b->registry->list().Get().json;
  std::uint64_t version = b->registry->version();
  EXPECT_FALSE(b->registry->Get(registered.id));

  EXPECT_EQ(b->kv.Sync(), 1u);
  std::optional<SpawnerSnapshot> seen = b->registry->Get(registered.id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->identity->host, "10.0.0.1");
  EXPECT_EQ(seen->identity->registered_from, "10.9.8.7");  // shared keys bind on every master
  EXPECT_FALSE(seen->suspect);
  auto events = b->events.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "spawner.registered");
  EXPECT_NE(events[0].second.find("\"id\":1,"), std::string::npos) << events[0].second;
  // The token works on the master that did not hand it out.
  EXPECT_EQ(b->registry->VerifyToken(registered.token), registered.id);
  // What the directory and the list serve follows.
  EXPECT_GT(b->registry->version(), version);
  std::string list = *b->registry->list().Get().json;
  EXPECT_NE(list, empty_list);
  EXPECT_NE(list.find("\"id\":1,"), std::string::npos) << list;
  EXPECT_EQ(b->registry->Totals().spawners, 1u);
}

TEST_F(SpawnerRegistryClusterTest, AHeartbeatOnAnotherMasterReachesTheFirstAfterItsFlush) {
  ChangeOutcome registered = a->Register();
  b->kv.Sync();
  a->events.Take();
  b->events.Take();
  Advance(50000);  // 50 s of silence on a
  ASSERT_TRUE(b->registry->Heartbeat(registered.id, Current(5)));
  const std::int64_t heartbeat_wall_ms = b->clock.WallMs();
  EXPECT_EQ(Stored(registered.id)->load.current_instances, 0);  // written behind
  b->registry->FlushDirty();
  EXPECT_EQ(Stored(registered.id)->load.current_instances, 5);

  EXPECT_EQ(a->kv.Sync(), 1u);
  std::optional<SpawnerSnapshot> on_a = a->registry->Get(registered.id);
  ASSERT_TRUE(on_a);
  EXPECT_EQ(on_a->load.current_instances, 5);
  EXPECT_EQ(on_a->last_seen_ms, heartbeat_wall_ms);
  EXPECT_FALSE(on_a->suspect);  // alive 0 s ago on a's own steady clock
  EXPECT_EQ(a->Topics(), std::vector<std::string>{"spawner.updated"});
  // 70 s after the registration, 20 s after the heartbeat: alive on a, which sweeps.
  Advance(20000);
  SweepSummary sweep = a->registry->SweepExpired();
  EXPECT_TRUE(sweep.leading);
  EXPECT_EQ(sweep.removed, 0u);
  // The same record again (a resync) changes nothing and says nothing.
  std::string record = db.Rows("spawners").at(SpawnerKey(registered.id));
  a->registry->ApplyRemote(SpawnerKey(registered.id), record, false);
  EXPECT_TRUE(a->events.Take().empty());
}

// A heartbeat may land on a master before the registration's change reaches it.
TEST_F(SpawnerRegistryClusterTest, AMasterThatDoesNotKnowASpawnerYetReadsItFromTheStore) {
  ChangeOutcome registered = a->Register();
  EXPECT_EQ(b->registry->VerifyToken(registered.token), registered.id);  // not synced yet
  EXPECT_TRUE(b->registry->Heartbeat(registered.id, Current(2)));
  EXPECT_EQ(b->events.Count("spawner.registered"), 1u);
  b->kv.Sync();  // the registration arrives later: already known, nothing new
  EXPECT_EQ(b->events.Count("spawner.registered"), 1u);
  EXPECT_EQ(b->registry->Get(registered.id)->load.current_instances, 2);
  EXPECT_FALSE(b->registry->Heartbeat(registered.id + 1, Current(2)));  // nowhere: 404
  ASSERT_EQ(a->Delete(registered.id).result, Result::kOk);
  b->kv.Sync();
  EXPECT_FALSE(b->registry->Heartbeat(registered.id, Current(2)));
  db.SetReachable(false);  // a miss is answered from memory while the database is away
  EXPECT_FALSE(b->registry->Heartbeat(registered.id + 1, Current(2)));
}

// A client repeating an id nobody holds (a spawner whose record is gone, a guess) costs one
// read of the store per Registry::kMissTtlMs, not one per request.
TEST_F(SpawnerRegistryClusterTest, AnUnknownIdIsReadFromTheStoreOncePerMissTtl) {
  const std::uint64_t reads = b->kv.gets();
  const std::string token = IssueToken(42).token;
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(b->registry->Heartbeat(42, Current(1)));
    EXPECT_FALSE(b->registry->Authorize(42, Caller{}));
    EXPECT_EQ(b->registry->VerifyToken(token), std::nullopt);
  }
  EXPECT_EQ(b->kv.gets(), reads + 1);
  Advance(Registry::kMissTtlMs - 1);
  EXPECT_FALSE(b->registry->Heartbeat(42, Current(1)));
  EXPECT_EQ(b->kv.gets(), reads + 1);
  Advance(1);
  EXPECT_FALSE(b->registry->Heartbeat(42, Current(1)));
  EXPECT_EQ(b->kv.gets(), reads + 2);
  EXPECT_FALSE(b->registry->Heartbeat(43, Current(1)));  // each id has its own miss
  EXPECT_EQ(b->kv.gets(), reads + 3);
}

// Distinct ids nobody holds, which the misses cannot spare: the store is read kReadBurst times,
// then kReadsPerSecond a second; the rest are answered from memory, and the operator is told.
TEST_F(SpawnerRegistryClusterTest, AFloodOfDistinctUnknownIdsIsBoundedByTheReadBudget) {
  b->warnings_expected = true;
  const std::uint64_t reads = b->kv.gets();
  SpawnerId id = 1000;
  for (std::uint32_t i = 0; i < 3 * Registry::kReadBurst; ++i) {
    EXPECT_FALSE(b->registry->Heartbeat(++id, Current(1)));
  }
  EXPECT_EQ(b->kv.gets(), reads + Registry::kReadBurst);
  ASSERT_EQ(b->warnings.size(), 1u);  // once, not once a request
  EXPECT_NE(b->warnings[0].find(std::to_string(Registry::kReadsPerSecond) + " a second"),
            std::string::npos)
      << b->warnings[0];

  Advance(1000);
  for (std::uint32_t i = 0; i < 3 * Registry::kReadBurst; ++i) {
    EXPECT_FALSE(b->registry->VerifyToken(IssueToken(++id).token));
  }
  EXPECT_EQ(b->kv.gets(), reads + Registry::kReadBurst + Registry::kReadsPerSecond);
  EXPECT_EQ(b->warnings.size(), 1u);  // the next report waits its interval

  // Once the flood is over, a spawner registered on A is found on B before its change arrives.
  Advance(Registry::kReadBurst * 1000 / Registry::kReadsPerSecond);
  ChangeOutcome registered = a->Register();
  ASSERT_EQ(registered.result, Result::kOk);
  EXPECT_TRUE(b->registry->Heartbeat(registered.id, Current(2)));
}

// What a remembered miss promises: a spawner registered elsewhere right after this master
// missed its id is known here as soon as the registration's change arrives, or once the TTL
// has passed. A spawner learns its id only after the registration is committed, so its own
// requests never meet such a miss: only a request naming an id before it was handed out.
TEST_F(SpawnerRegistryClusterTest, AMissEndsWhenTheRegistrationArrivesOrAfterTheTtl) {
  EXPECT_FALSE(b->registry->Heartbeat(1, Current(1)));  // the id the next registration gets
  ChangeOutcome first = a->Register();
  ASSERT_EQ(first.id, 1u);
  EXPECT_FALSE(b->registry->Heartbeat(1, Current(1)));  // remembered; the change is on its way
  EXPECT_EQ(b->kv.Sync(), 1u);
  EXPECT_TRUE(b->registry->Heartbeat(1, Current(2)));
  EXPECT_EQ(b->registry->VerifyToken(first.token), first.id);

  EXPECT_FALSE(b->registry->Heartbeat(2, Current(1)));
  ChangeOutcome second = a->Register();
  ASSERT_EQ(second.id, 2u);
  Advance(Registry::kMissTtlMs);  // no change delivered: read again after the TTL
  EXPECT_TRUE(b->registry->Heartbeat(2, Current(1)));
  EXPECT_EQ(b->events.Count("spawner.registered"), 2u);
}

TEST_F(SpawnerRegistryClusterTest, AnOlderRecordNeverOverwritesANewerHeartbeat) {
  ChangeOutcome registered = a->Register();
  b->kv.Sync();
  Advance(1000);
  ASSERT_TRUE(b->registry->Heartbeat(registered.id, Current(3)));
  b->registry->FlushDirty();
  Advance(1000);
  ASSERT_TRUE(a->registry->Heartbeat(registered.id, Current(7)));  // newer, not yet written
  a->kv.Sync();
  EXPECT_EQ(a->registry->Get(registered.id)->load.current_instances, 7);
  a->registry->FlushDirty();
  b->kv.Sync();
  EXPECT_EQ(b->registry->Get(registered.id)->load.current_instances, 7);
}

TEST_F(SpawnerRegistryClusterTest, ADeletionOnOneMasterRemovesTheSpawnerOnTheOther) {
  ChangeOutcome registered = a->Register();
  b->kv.Sync();
  a->events.Take();
  ChangeOutcome deleted = b->Delete(registered.id);
  ASSERT_EQ(deleted.result, Result::kOk) << deleted.message;
  EXPECT_FALSE(b->registry->Get(registered.id));
  EXPECT_TRUE(db.Rows("spawners").empty());

  std::string list_before = *a->registry->list().Get().json;
  EXPECT_EQ(a->kv.Sync(), 1u);
  EXPECT_FALSE(a->registry->Get(registered.id));
  EXPECT_EQ(a->registry->VerifyToken(registered.token), std::nullopt);
  auto events = a->events.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "spawner.removed");
  EXPECT_EQ(events[0].second.rfind(R"({"id":1,"reason":"deleted",)", 0), 0u) << events[0].second;
  EXPECT_EQ(*a->registry->list().Get().json, "[]");
  EXPECT_NE(list_before, "[]");
  EXPECT_EQ(a->Delete(registered.id).result, Result::kNotFound);
}

TEST_F(SpawnerRegistryClusterTest, ALateWriteBehindDoesNotResurrectADeletedSpawner) {
  ChangeOutcome registered = a->Register();
  b->kv.Sync();
  ASSERT_TRUE(a->registry->Heartbeat(registered.id, Current(4)));  // dirty on a
  std::string stale_record = db.Rows("spawners").at(SpawnerKey(registered.id));
  ASSERT_EQ(b->Delete(registered.id).result, Result::kOk);
  a->registry->FlushDirty();  // an update of a row that is gone: nothing
  EXPECT_TRUE(db.Rows("spawners").empty());
  a->kv.Sync();
  EXPECT_FALSE(a->registry->Get(registered.id));
  EXPECT_EQ(b->kv.Sync(), 0u);
  EXPECT_FALSE(b->registry->Get(registered.id));
  // A put read before the deletion and delivered after it is stale: ids are never reused.
  b->registry->ApplyRemote(SpawnerKey(registered.id), stale_record, false);
  EXPECT_FALSE(b->registry->Get(registered.id));
  EXPECT_TRUE(b->events.Count("spawner.registered") == 1u);  // from the first Sync only
}

TEST_F(SpawnerRegistryClusterTest, OnlyTheLeaderSweepsAndAnotherTakesOverWhenItDies) {
  SpawnerId first = a->Register().id;
  b->kv.Sync();
  Advance(kTtlMs + 1);
  SweepSummary on_b = b->registry->SweepExpired();  // b asks first: b leads
  EXPECT_TRUE(on_b.leading);
  EXPECT_EQ(on_b.removed, 1u);
  EXPECT_EQ(db.LeaseHolder(std::string(Registry::kSweeperLease)), "b");
  SweepSummary on_a = a->registry->SweepExpired();
  EXPECT_FALSE(on_a.leading);
  EXPECT_EQ(on_a.removed, 0u);
  EXPECT_TRUE(a->registry->Get(first));  // until b's deletion arrives
  a->events.Take();
  a->kv.Sync();
  EXPECT_FALSE(a->registry->Get(first));
  auto events = a->events.Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].second.find("\"reason\":\"expired\""), std::string::npos);

  SpawnerId second = a->Register().id;
  b->kv.Sync();
  Advance(kTtlMs + 1);
  b->kv.Kill();  // the leader dies before its next sweep
  on_a = a->registry->SweepExpired();
  EXPECT_TRUE(on_a.leading);
  EXPECT_EQ(on_a.removed, 1u);
  EXPECT_FALSE(a->registry->Get(second));
  EXPECT_TRUE(db.Rows("spawners").empty());
}

TEST_F(SpawnerRegistryClusterTest, TheGraceRuleHoldsAfterAWholeClusterRestart) {
  SpawnerId id = a->Register().id;
  a.reset();
  b.reset();
  const std::int64_t stored_last_seen = Stored(id)->last_seen_ms;
  // Ten minutes without any master: the record is far older than the TTL.
  Master c(db, "c", 9000000, FakeClusterKv::Delivery::kManual, 10 * 60000);
  std::optional<SpawnerSnapshot> loaded = c.registry->Get(id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->last_seen_ms, stored_last_seen);
  EXPECT_EQ(c.registry->SweepExpired().removed, 0u);
  c.clock.Advance(kTtlMs + 1);
  EXPECT_EQ(c.registry->SweepExpired().removed, 1u);
  EXPECT_TRUE(db.Rows("spawners").empty());
}

TEST_F(SpawnerRegistryClusterTest, AnUnreachableDatabaseRefusesChangesAndLosesNoHeartbeat) {
  ChangeOutcome registered = a->Register();
  b->kv.Sync();
  db.SetReachable(false);
  ChangeOutcome refused = a->Register();
  EXPECT_EQ(refused.result, Result::kUnavailable);
  EXPECT_NE(refused.message.find("the registration could not be stored"), std::string::npos);
  EXPECT_NE(refused.message.find("unreachable"), std::string::npos) << refused.message;
  ChangeOutcome not_deleted = b->Delete(registered.id);
  EXPECT_EQ(not_deleted.result, Result::kUnavailable);
  EXPECT_NE(not_deleted.message.find("the deletion could not be stored"), std::string::npos);
  EXPECT_TRUE(b->registry->Get(registered.id));

  Advance(1000);
  EXPECT_TRUE(b->registry->Heartbeat(registered.id, Current(6)));  // answered from memory
  b->registry->FlushDirty();  // refused: kept for the next flush
  Advance(kTtlMs + 1);
  EXPECT_FALSE(a->registry->SweepExpired().leading);  // no lease without the database
  EXPECT_FALSE(b->registry->SweepExpired().leading);
  EXPECT_TRUE(a->registry->Get(registered.id));

  db.SetReachable(true);
  b->registry->FlushDirty();
  EXPECT_EQ(Stored(registered.id)->load.current_instances, 6);
  a->kv.Sync();
  EXPECT_EQ(a->registry->Get(registered.id)->load.current_instances, 6);
  ChangeOutcome again = a->Register();
  EXPECT_EQ(again.result, Result::kOk);
  EXPECT_EQ(again.id, registered.id + 1);  // a refused registration drew no id
}

// Registrations on two masters at once, heartbeats for them on the other master, deliveries
// on the masters' own threads: ids stay distinct and both masters end with the same table
// (also run under ThreadSanitizer).
TEST(SpawnerRegistryClusterThreads, ConcurrentRegistrationsAndHeartbeatsConverge) {
  FakeClusterDatabase db;
  Master a(db, "a", 1000000, FakeClusterKv::Delivery::kThread);
  Master b(db, "b", 2000000, FakeClusterKv::Delivery::kThread);
  constexpr int kEach = 100;
  std::vector<SpawnerId> from_a, from_b;
  auto work = [](Master& self, Master& other, std::vector<SpawnerId>& ids) {
    for (int i = 0; i < kEach; ++i) {
      ChangeOutcome outcome = self.Register();
      ASSERT_EQ(outcome.result, Result::kOk) << outcome.message;
      ids.push_back(outcome.id);
      other.registry->Heartbeat(outcome.id, Current(i % 8));  // known there or not yet
      if (i % 10 == 0) self.registry->FlushDirty();
    }
  };
  std::thread on_a(work, std::ref(a), std::ref(b), std::ref(from_a));
  std::thread on_b(work, std::ref(b), std::ref(a), std::ref(from_b));
  on_a.join();
  on_b.join();
  std::set<SpawnerId> ids(from_a.begin(), from_a.end());
  ids.insert(from_b.begin(), from_b.end());
  EXPECT_EQ(ids.size(), 2u * kEach);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((a.registry->size() < ids.size() || b.registry->size() < ids.size()) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(a.registry->size(), ids.size());
  EXPECT_EQ(b.registry->size(), ids.size());
  EXPECT_EQ(a.events.Count("spawner.registered"), ids.size());
  EXPECT_EQ(b.events.Count("spawner.registered"), ids.size());
}

}  // namespace
}  // namespace sr::spawner_registry
