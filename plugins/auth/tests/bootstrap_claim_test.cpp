// BootstrapClaim: the first start of several masters at once on an empty cluster store ends
// with one admin and one generated key, whoever wins.
#include "bootstrap_claim.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "bootstrap.h"
#include "cluster_fixture.h"
#include "generated_key_store.h"

namespace sr::auth {
namespace {

using testing::ClusterMaster;
using testing::ManualClock;

void RealSleep(std::int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// What the plugin's Start does in cluster mode, for one master.
struct FirstStart {
  bool ran_here = false;
  std::optional<std::string> key;
  AdminBootstrap admin;
};

FirstStart StartMaster(ClusterMaster& master, ApiKeyVerifier& verifier) {
  FirstStart result;
  KvGeneratedKeyStore key_store(master.store());
  UserDirectory& users = master.core().users();
  auto ensure = [&] {
    result.key = EnsureApiKey(verifier, key_store, false);
    result.admin = EnsureAdmin(users, master.core().hasher(), PasswordPolicy{}, "admin@example.com",
                               std::nullopt, 0);
  };
  BootstrapClaim claim(master.store(), &WallClockMs, &RealSleep);
  result.ran_here = claim.Run(
      [&] {
        users.Load();
        return !key_store.Load() || !users.AnyAdmin();
      },
      ensure);
  if (!result.ran_here) ensure();
  return result;
}

TEST(BootstrapClaim, MastersStartingAtOnceAgreeOnOneAdminAndOneKey) {
  constexpr int kRounds = 10;
  constexpr int kMasters = 3;
  for (int round = 0; round < kRounds; ++round) {
    ManualClock clock;
    sr::testing::FakeClusterDatabase database;
    std::vector<std::unique_ptr<ClusterMaster>> masters;
    std::vector<ApiKeyVerifier> verifiers(kMasters);
    std::vector<FirstStart> starts(kMasters);
    for (int i = 0; i < kMasters; ++i) {
      masters.push_back(std::make_unique<ClusterMaster>(
          database, std::string("m").append(std::to_string(i)), clock));
    }
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kMasters; ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        starts[i] = StartMaster(*masters[i], verifiers[i]);
      });
    }
    go = true;
    for (std::thread& thread : threads) thread.join();

    int ran = 0;
    int keys = 0;
    int admins_created = 0;
    std::string key;
    for (const FirstStart& start : starts) {
      ran += start.ran_here ? 1 : 0;
      if (start.key) {
        ++keys;
        key = *start.key;
      }
      if (start.admin.outcome == AdminBootstrap::Outcome::kCreatedWithRandom) ++admins_created;
    }
    EXPECT_EQ(ran, 1) << "round " << round;
    EXPECT_EQ(keys, 1) << "round " << round;
    EXPECT_EQ(admins_created, 1) << "round " << round;
    EXPECT_EQ(database.Rows(UserDirectory::kUsersSpace).size(), 1u) << "round " << round;
    // Every master accepts the one key that was handed over; no claim is left behind.
    for (const ApiKeyVerifier& verifier : verifiers) EXPECT_TRUE(verifier.Find(key));
    auto rows = database.Rows(BootstrapClaim::kSpace);
    EXPECT_EQ(rows.size(), 1u) << "only the digest";
    EXPECT_EQ(rows.count(std::string(KvGeneratedKeyStore::kKey)), 1u);
  }
}

TEST(BootstrapClaim, WaitsForALiveClaimAndIgnoresAStaleOne) {
  ManualClock clock;
  sr::testing::FakeClusterDatabase database;
  ClusterMaster master(database, "a", clock);
  BootstrapClaimTiming timing;
  timing.stale_after_ms = 1'000;
  timing.give_up_after_ms = 500;
  std::int64_t slept_ms = 0;
  BootstrapClaim claim(
      master.store(), clock.Fn(),
      [&](std::int64_t ms) {
        slept_ms += ms;
        clock.Advance(ms);
      },
      timing);
  const std::string other = std::string(BootstrapClaim::kPrefix).append("other");
  master.store().Write(
      {KvOp::Put(std::string(BootstrapClaim::kSpace), other, std::to_string(clock.now_ms))});
  int ran = 0;
  EXPECT_THROW(claim.Run([] { return true; }, [&] { ++ran; }), StoreError);  // another is busy
  EXPECT_EQ(ran, 0);
  EXPECT_GE(slept_ms, 500);

  clock.Advance(1'001);  // its master died mid-way: the claim goes stale
  EXPECT_TRUE(claim.Run([] { return true; }, [&] { ++ran; }));
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(database.Rows(BootstrapClaim::kSpace).empty());  // both claims are gone

  EXPECT_FALSE(claim.Run([] { return false; }, [&] { ++ran; }));  // nothing to do
  EXPECT_EQ(ran, 1);
}

TEST(BootstrapClaim, ReleasesItsClaimWhenTheWorkFails) {
  ManualClock clock;
  sr::testing::FakeClusterDatabase database;
  ClusterMaster master(database, "a", clock);
  BootstrapClaim claim(master.store(), clock.Fn(), [](std::int64_t) {});
  EXPECT_THROW(claim.Run([] { return true; }, [] { throw StoreError("disk"); }), StoreError);
  EXPECT_TRUE(database.Rows(BootstrapClaim::kSpace).empty());
}

}  // namespace
}  // namespace sr::auth
