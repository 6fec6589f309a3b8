// The auth core in cluster mode: several masters over one FakeClusterKv database.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "bootstrap.h"
#include "cluster_fixture.h"
#include "generated_key_store.h"
#include "session_authenticator.h"

namespace sr::auth {
namespace {

using testing::ClusterMaster;
using testing::FastSettings;
using testing::ManualClock;

bool SignedIn(ClusterMaster& master, const std::string& token, std::int64_t now_ms) {
  return ResolveSession(master.core().sessions(), master.core().users(), token, now_ms,
                        /*touch=*/false)
      .has_value();
}

bool Announced(ClusterMaster& master, std::string_view reason) {
  for (const auto& announcement : master.announced()) {
    if (announcement.reason == reason) return true;
  }
  return false;
}

class ClusterTest : public ::testing::Test {
 protected:
  User AddUser(ClusterMaster& master, const std::string& email, Role role) {
    auto user =
        master.core().users().Create(email, role, master.core().hasher().Hash("pw"), clock_.now_ms);
    EXPECT_TRUE(user);
    return *user;
  }
  std::string Login(ClusterMaster& master, const User& user) {
    return master.core().sessions().Create(user.id, user.generation, clock_.now_ms).token;
  }

  ManualClock clock_;
  sr::testing::FakeClusterDatabase database_;
  ClusterMaster a_{database_, "a", clock_};
  ClusterMaster b_{database_, "b", clock_};
};

TEST_F(ClusterTest, StoreIsClustered) {
  EXPECT_TRUE(a_.store().clustered());
  EXPECT_NE(a_.store().NextId("auth_test"), a_.store().NextId("auth_test"));
}

TEST(KvStoreClientVersion1, IsASingleMasterStore) {
  // The same provider seen through a version 1 table (as sqlite-store offers): no sequences,
  // no watches, and an update is a plain put, since one master orders its own writes.
  sr::testing::FakeClusterDatabase database;
  sr::testing::FakeClusterKv provider(database, "only");
  sr_kv_store_v1 table{};
  std::memcpy(&table, &provider.v1(), sizeof(table));
  table.struct_size = sizeof(sr_kv_store_v1);
  KvStoreClient store(table);
  EXPECT_FALSE(store.clustered());
  EXPECT_THROW(store.NextId("auth_user_id"), StoreError);
  EXPECT_EQ(store.Watch(SessionStore::kSpace, [](auto, auto, bool) {}), nullptr);
  store.Write({KvOp::Update("auth", "k", "v")});
  EXPECT_EQ(store.Get("auth", "k"), "v");

  ManualClock clock;
  AuthCore core(store, FastSettings(), clock.Fn(), nullptr);
  EXPECT_TRUE(core.FollowOtherMasters().empty());
  core.Load();
  auto user = core.users().Create("ann@example.com", Role::kViewer, "hash", clock.now_ms);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, 1u);  // the directory's own counter, as before
}

TEST_F(ClusterTest, ASessionMadeOnAIsValidOnB) {
  User user = AddUser(a_, "ann@example.com", Role::kOperator);
  b_.Sync();
  ASSERT_TRUE(b_.core().users().FindById(user.id));
  std::string token = Login(a_, user);
  EXPECT_EQ(b_.core().sessions().size(), 0u);
  auto signed_in = ResolveSession(b_.core().sessions(), b_.core().users(), token, clock_.now_ms,
                                  /*touch=*/true);
  ASSERT_TRUE(signed_in);  // read through from the store on the miss
  EXPECT_EQ(signed_in->user.email, "ann@example.com");
  EXPECT_EQ(b_.core().sessions().size(), 1u);
  EXPECT_FALSE(SignedIn(b_, "not-a-token", clock_.now_ms));
}

TEST_F(ClusterTest, AUserMadeOnAMomentAgoCanSignInThroughB) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  std::string token = Login(a_, user);
  // B has not been told about the user yet: it reads both the session and the user through.
  EXPECT_FALSE(b_.core().users().FindById(user.id));
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms));
  EXPECT_TRUE(b_.core().users().FindById(user.id));
  b_.Sync();  // the late change is applied idempotently
  EXPECT_EQ(b_.core().users().size(), 1u);
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms));
}

TEST_F(ClusterTest, AUserMadeOnAMomentAgoIsFoundByEmailOnB) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  EXPECT_FALSE(b_.core().users().FindByEmail("ann@example.com"));
  auto found = b_.core().users().FindByEmailOrReadThrough("Ann@Example.com", clock_.now_ms);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, user.id);
  EXPECT_TRUE(b_.core().users().FindByEmail("ann@example.com"));
  EXPECT_FALSE(b_.core().users().FindByEmailOrReadThrough("nobody@example.com", clock_.now_ms));
}

// Sign-ins with addresses nobody has, from as many client addresses as the login throttle
// lets through: the users are scanned kScanBurst times, then kScansPerSecond a second.
TEST_F(ClusterTest, AFloodOfUnknownAddressesIsBoundedByTheScanBudget) {
  UserDirectory& users = b_.core().users();
  const std::uint64_t scans = b_.scans();
  for (std::uint32_t i = 0; i < 3 * UserDirectory::kScanBurst; ++i) {
    EXPECT_FALSE(users.FindByEmailOrReadThrough("nobody" + std::to_string(i) + "@example.com",
                                                clock_.now_ms));
  }
  EXPECT_EQ(b_.scans(), scans + UserDirectory::kScanBurst);
  // A user made on A is found on B once its change arrives, budget or not...
  User ann = AddUser(a_, "ann@example.com", Role::kViewer);
  EXPECT_FALSE(users.FindByEmailOrReadThrough("ann@example.com", clock_.now_ms));
  b_.Sync();
  EXPECT_EQ(users.FindByEmailOrReadThrough("ann@example.com", clock_.now_ms)->id, ann.id);
  // ...and before it arrives once the budget has room again.
  User bob = AddUser(a_, "bob@example.com", Role::kViewer);
  clock_.Advance(1000 / UserDirectory::kScansPerSecond);
  EXPECT_EQ(users.FindByEmailOrReadThrough("bob@example.com", clock_.now_ms)->id, bob.id);
  EXPECT_EQ(b_.scans(), scans + UserDirectory::kScanBurst + 1);
}

TEST_F(ClusterTest, AUserMadeOnAMomentAgoCanBeChangedThroughB) {
  AddUser(a_, "root@example.com", Role::kAdmin);
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  UserChange promote;
  promote.role = Role::kOperator;
  auto updated = b_.core().users().Update(user.id, promote, clock_.now_ms);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->role, Role::kOperator);
  a_.Sync();
  EXPECT_EQ(a_.core().users().FindById(user.id)->role, Role::kOperator);
}

TEST_F(ClusterTest, ActivityOnBKeepsTheSessionAliveOnA) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  b_.Sync();
  std::string token = Login(a_, user);
  const std::int64_t idle_ms = FastSettings().sessions.idle_timeout_ms;
  clock_.Advance(idle_ms / 2);
  ASSERT_TRUE(b_.core().sessions().Touch(token, clock_.now_ms));
  b_.core().sessions().Flush(clock_.now_ms);
  a_.Sync();
  clock_.Advance(idle_ms / 2 + 1'000);  // idle on A's own count, not on B's
  EXPECT_TRUE(SignedIn(a_, token, clock_.now_ms));
  a_.core().AnnounceExpired();
  EXPECT_FALSE(Announced(a_, "expired"));
}

TEST_F(ClusterTest, ASessionUsedElsewhereIsNotDeletedByAMasterThatSawItIdle) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  b_.Sync();
  std::string token = Login(a_, user);
  const std::int64_t idle_ms = FastSettings().sessions.idle_timeout_ms;
  clock_.Advance(idle_ms - 1'000);
  ASSERT_TRUE(b_.core().sessions().Touch(token, clock_.now_ms));  // not flushed yet
  clock_.Advance(2'000);
  a_.core().AnnounceExpired();  // A saw no activity for a whole idle timeout
  a_.core().sessions().Flush(clock_.now_ms);
  b_.core().sessions().Flush(clock_.now_ms);  // B's activity arrives within the grace
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms));
  EXPECT_TRUE(SignedIn(a_, token, clock_.now_ms));  // read through again
}

TEST_F(ClusterTest, ASessionIdleEverywhereIsDeletedFromTheStore) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  std::string token = Login(a_, user);
  clock_.Advance(FastSettings().sessions.idle_timeout_ms + 1);
  a_.core().AnnounceExpired();
  EXPECT_TRUE(Announced(a_, "expired"));
  a_.core().sessions().Flush(clock_.now_ms);
  EXPECT_EQ(database_.Rows(SessionStore::kSpace).size(), 1u);  // within the grace: kept
  clock_.Advance(a_.core().sessions().FlushPeriodMs() + 2'001);
  a_.core().sessions().Flush(clock_.now_ms);
  EXPECT_TRUE(database_.Rows(SessionStore::kSpace).empty());
  EXPECT_FALSE(SignedIn(b_, token, clock_.now_ms));
}

TEST_F(ClusterTest, LogoutOnAEndsTheSessionOnBWhenTheChangeArrives) {
  sr::testing::FakeClusterDatabase database;
  ClusterMaster a(database, "a", clock_);
  ClusterMaster b(database, "b", clock_, ClusterMaster::Delivery::kThread);
  User user = AddUser(a, "ann@example.com", Role::kViewer);
  std::string token = Login(a, user);
  ASSERT_TRUE(SignedIn(b, token, clock_.now_ms));  // B holds it in memory now
  ASSERT_TRUE(a.core().sessions().Remove(token));
  // B's change thread delivers the deletion; the real provider does so within about a second.
  // It leaves memory first and is announced just after: wait for both.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while ((SignedIn(b, token, clock_.now_ms) || !Announced(b, "ended_elsewhere")) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(SignedIn(b, token, clock_.now_ms));
  EXPECT_EQ(b.core().sessions().size(), 0u);
  EXPECT_TRUE(Announced(b, "ended_elsewhere"));
}

TEST_F(ClusterTest, LogoutOnBOfASessionBNeverSawDeletesItEverywhere) {
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  std::string token = Login(a_, user);
  b_.core().sessions().Remove(token);  // e.g. a sign-in on B replacing the browser's session
  EXPECT_TRUE(database_.Rows(SessionStore::kSpace).empty());
  a_.Sync();
  EXPECT_FALSE(SignedIn(a_, token, clock_.now_ms));
}

TEST_F(ClusterTest, AUserDisabledOnBIsRefusedOnA) {
  User admin = AddUser(a_, "root@example.com", Role::kAdmin);
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  std::string token = Login(a_, user);
  b_.Sync();
  ASSERT_TRUE(SignedIn(a_, token, clock_.now_ms));
  UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(b_.core().users().Update(user.id, disable, clock_.now_ms));
  b_.core().EndSessionsOf(user.id, user.email, "disabled");
  // B deleted the session from the store although only A held it in memory.
  EXPECT_TRUE(database_.Rows(SessionStore::kSpace).empty());
  a_.Sync();
  EXPECT_FALSE(SignedIn(a_, token, clock_.now_ms));
  EXPECT_EQ(a_.core().sessions().size(), 0u);
  EXPECT_TRUE(Announced(a_, "disabled"));
  EXPECT_TRUE(a_.core().users().FindById(user.id)->disabled);
  EXPECT_FALSE(a_.core().users().FindById(admin.id)->disabled);
}

TEST_F(ClusterTest, RoleChangesPasswordChangesAndDeletionsReachTheOtherMaster) {
  AddUser(a_, "root@example.com", Role::kAdmin);
  User user = AddUser(a_, "ann@example.com", Role::kViewer);
  std::string token = Login(a_, user);
  b_.Sync();

  UserChange promote;
  promote.role = Role::kOperator;
  ASSERT_TRUE(b_.core().users().Update(user.id, promote, clock_.now_ms));
  a_.Sync();
  auto signed_in =
      ResolveSession(a_.core().sessions(), a_.core().users(), token, clock_.now_ms, false);
  ASSERT_TRUE(signed_in);  // a new role keeps the session, with the new rights
  EXPECT_EQ(signed_in->user.role, Role::kOperator);
  EXPECT_TRUE(Announced(a_, "role_changed"));

  ASSERT_TRUE(
      b_.core().users().SetPasswordHash(user.id, b_.core().hasher().Hash("new"), clock_.now_ms));
  a_.Sync();
  EXPECT_FALSE(SignedIn(a_, token, clock_.now_ms));
  EXPECT_TRUE(Announced(a_, "password_changed"));

  User other = AddUser(a_, "bob@example.com", Role::kViewer);
  std::string other_token = Login(a_, other);
  b_.Sync();
  ASSERT_TRUE(b_.core().users().Delete(other.id));
  a_.Sync();
  EXPECT_FALSE(a_.core().users().FindById(other.id));
  EXPECT_FALSE(a_.core().users().FindByEmail("bob@example.com"));
  EXPECT_FALSE(SignedIn(a_, other_token, clock_.now_ms));
  EXPECT_TRUE(Announced(a_, "deleted"));
}

TEST_F(ClusterTest, UsersMadeOnEitherMasterHaveDistinctIdsAndAreSeenByBoth) {
  User one = AddUser(a_, "one@example.com", Role::kViewer);
  User two = AddUser(b_, "two@example.com", Role::kViewer);
  User three = AddUser(a_, "three@example.com", Role::kViewer);
  EXPECT_NE(one.id, two.id);
  EXPECT_NE(two.id, three.id);
  EXPECT_NE(one.id, three.id);
  a_.Sync();
  b_.Sync();
  EXPECT_EQ(a_.core().users().size(), 3u);
  EXPECT_EQ(b_.core().users().size(), 3u);
  EXPECT_EQ(b_.core().users().FindByEmail("three@example.com")->id, three.id);
}

TEST_F(ClusterTest, TheSameEmailCreatedOnTwoMastersAtOnceExistsOnce) {
  AddUser(a_, "ann@example.com", Role::kViewer);
  // B has not seen A's user yet: its own directory says the address is free.
  auto second = b_.core().users().Create("ann@example.com", Role::kAdmin,
                                         b_.core().hasher().Hash("pw"), clock_.now_ms);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), UserError::kEmailTaken);
  EXPECT_EQ(database_.Rows(UserDirectory::kUsersSpace).size(), 1u);
  a_.Sync();
  b_.Sync();
  EXPECT_EQ(a_.core().users().size(), 1u);
  EXPECT_EQ(b_.core().users().size(), 1u);
  EXPECT_EQ(b_.core().users().FindByEmail("ann@example.com")->role, Role::kViewer);
}

TEST_F(ClusterTest, TheAuditLogHoldsEveryMastersEntries) {
  a_.core().Audit(AuditEntry{0, 0, "ann", "login.success", "ann", "10.0.0.1", ""});
  b_.core().Audit(AuditEntry{0, 0, "bob", "login.success", "bob", "10.0.0.2", ""});
  a_.core().Audit(AuditEntry{0, 0, "ann", "logout", "ann", "10.0.0.1", ""});
  for (ClusterMaster* master : {&a_, &b_}) {
    AuditPage page = master->core().audit().Page(10, std::nullopt);
    ASSERT_EQ(page.entries.size(), 3u);
    EXPECT_EQ(page.entries[0].action, "logout");  // newest first, across masters
    EXPECT_EQ(page.entries[1].actor, "bob");
    EXPECT_EQ(page.entries[2].actor, "ann");
  }
}

TEST_F(ClusterTest, TheAuditRetentionHoldsAcrossMasters) {
  AuthSettings settings = FastSettings();
  settings.audit_retention = 5;
  AuthCore a(a_.store(), settings, clock_.Fn(), nullptr);
  AuthCore b(b_.store(), settings, clock_.Fn(), nullptr);
  for (int i = 0; i < 40; ++i) {
    (i % 2 == 0 ? a : b).Audit(AuditEntry{0, 0, "x", "action", "", "", std::to_string(i)});
  }
  // Trimmed every 16th entry down to the newest 5; at most 15 more since.
  std::size_t stored = database_.Rows(AuditLog::kSpace).size();
  EXPECT_GE(stored, 5u);
  EXPECT_LE(stored, 5u + AuditLog::kClusterTrimEvery - 1);
  EXPECT_EQ(a.audit().Page(1, std::nullopt).entries.at(0).detail, "39");
}

TEST_F(ClusterTest, AGeneratedKeyChangeReachesTheOtherMasterAndClearsItsCache) {
  ApiKeyVerifier verifier_a;
  ApiKeyVerifier verifier_b;
  KvGeneratedKeyStore key_store_a(a_.store());
  KvGeneratedKeyStore key_store_b(b_.store());
  auto watch = b_.store().Watch(KvGeneratedKeyStore::kSpace,
                                [&](std::string_view key, std::string_view value, bool deleted) {
                                  if (key == KvGeneratedKeyStore::kKey) {
                                    ApplyGeneratedKeyChange(verifier_b, value, deleted);
                                  }
                                });
  auto first = EnsureApiKey(verifier_a, key_store_a, false);
  ASSERT_TRUE(first);
  EXPECT_FALSE(EnsureApiKey(verifier_b, key_store_b, false));  // B loads A's digest
  ASSERT_TRUE(verifier_b.Find(*first));
  ASSERT_TRUE(verifier_b.Find(*first));  // now from B's cache of verified keys

  // The operator deletes the digest and restarts A, which generates a new key.
  a_.store().Write({KvOp::Delete(std::string(KvGeneratedKeyStore::kSpace),
                                 std::string(KvGeneratedKeyStore::kKey))});
  ApiKeyVerifier restarted_a;
  auto second = EnsureApiKey(restarted_a, key_store_a, false);
  ASSERT_TRUE(second);
  b_.Sync();
  EXPECT_FALSE(verifier_b.Find(*first));  // the cached old key no longer passes
  auto match = verifier_b.Find(*second);
  ASSERT_TRUE(match);
  EXPECT_EQ(match->name, kGeneratedKeyName);
  EXPECT_EQ(verifier_b.size(), 1u);

  EXPECT_FALSE(ApplyGeneratedKeyChange(verifier_b, "not hex", false));
  EXPECT_TRUE(verifier_b.Find(*second));
  EXPECT_TRUE(ApplyGeneratedKeyChange(verifier_b, "", true));  // deleted everywhere
  EXPECT_FALSE(verifier_b.Find(*second));
}

}  // namespace
}  // namespace sr::auth
