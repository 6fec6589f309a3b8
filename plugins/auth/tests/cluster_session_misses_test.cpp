// Cookies the cluster's store does not know: remembered for SessionStore::kMissTtlMs so that a
// client repeating one costs one database read, and never at the expense of a real session.
#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "cluster_fixture.h"
#include "crypto.h"
#include "session_authenticator.h"

namespace sr::auth {
namespace {

using testing::ClusterMaster;
using testing::FastSettings;
using testing::ManualClock;

bool SignedIn(ClusterMaster& master, const std::string& token, std::int64_t now_ms, bool touch) {
  return ResolveSession(master.core().sessions(), master.core().users(), token, now_ms, touch)
      .has_value();
}

// A store that runs `after_get` once, after a read has its answer and before it is returned:
// what other masters do while the answer travels back.
class InterleavingStore final : public KeyValueStore {
 public:
  explicit InterleavingStore(KeyValueStore& inner) : inner_(inner) {}

  std::function<void()> after_get;

  std::optional<std::string> Get(std::string_view space, std::string_view key) override {
    std::optional<std::string> value = inner_.Get(space, key);
    if (after_get) std::exchange(after_get, nullptr)();
    return value;
  }
  void Scan(std::string_view space, std::string_view start, std::string_view end,
            std::uint32_t limit, bool reverse, const RowVisitor& visit) override {
    inner_.Scan(space, start, end, limit, reverse, visit);
  }
  void Write(const std::vector<KvOp>& ops) override { inner_.Write(ops); }
  bool durable() const override { return inner_.durable(); }
  bool clustered() const override { return inner_.clustered(); }

 private:
  KeyValueStore& inner_;
};

class ClusterSessionMissesTest : public ::testing::Test {
 protected:
  // A session of a user both masters know, made on A; returns its cookie.
  std::string LoginOnA() {
    auto user = a_.core().users().Create("ann@example.com", Role::kViewer,
                                         a_.core().hasher().Hash("pw"), clock_.now_ms);
    EXPECT_TRUE(user);
    b_.Sync();
    return a_.core().sessions().Create(user->id, user->generation, clock_.now_ms).token;
  }
  // Stores, through A, a copy of the session `model` under the cookie `token`: a session A
  // made whose cookie B was shown before (which a browser never does, a test can).
  void StoreOnA(const std::string& model, const std::string& token) {
    std::string row =
        database_.Rows(SessionStore::kSpace).at(SessionStore::HashToken(model));
    a_.store().Write({KvOp::Put(std::string(SessionStore::kSpace), SessionStore::HashToken(token),
                                std::move(row))});
  }

  ManualClock clock_;
  sr::testing::FakeClusterDatabase database_;
  ClusterMaster a_{database_, "a", clock_};
  ClusterMaster b_{database_, "b", clock_};
};

TEST_F(ClusterSessionMissesTest, AnUnknownCookieIsReadFromTheStoreOncePerMissTtl) {
  const std::uint64_t reads = b_.gets();
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(SignedIn(b_, "forged", clock_.now_ms, /*touch=*/true));
    EXPECT_FALSE(SignedIn(b_, "forged", clock_.now_ms, /*touch=*/false));
  }
  EXPECT_EQ(b_.gets(), reads + 1);
  clock_.Advance(SessionStore::kMissTtlMs - 1);
  EXPECT_FALSE(SignedIn(b_, "forged", clock_.now_ms, true));
  EXPECT_EQ(b_.gets(), reads + 1);
  clock_.Advance(1);
  EXPECT_FALSE(SignedIn(b_, "forged", clock_.now_ms, true));
  EXPECT_EQ(b_.gets(), reads + 2);
  EXPECT_FALSE(SignedIn(b_, "forged too", clock_.now_ms, true));  // each cookie its own miss
  EXPECT_EQ(b_.gets(), reads + 3);
}

// What a browser does: its cookie exists only once the session is stored, so the first
// request on another master finds it, however many unknown cookies that master refused.
TEST_F(ClusterSessionMissesTest, ALoginOnAIsValidOnBAtOnceWhateverBRefusedBefore) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(SignedIn(b_, RandomToken(32), clock_.now_ms, true));
  }
  std::string token = LoginOnA();
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms, true));  // no change delivered yet
}

// Distinct forged cookies, which the misses cannot spare: the store is read kReadBurst times,
// then kReadsPerSecond a second; the others are refused from memory.
TEST_F(ClusterSessionMissesTest, AFloodOfDistinctForgedCookiesIsBoundedByTheReadBudget) {
  const std::uint64_t reads = b_.gets();
  for (std::uint32_t i = 0; i < 3 * SessionStore::kReadBurst; ++i) {
    EXPECT_FALSE(SignedIn(b_, RandomToken(32), clock_.now_ms, true));
  }
  EXPECT_EQ(b_.gets(), reads + SessionStore::kReadBurst);
  clock_.Advance(1000);
  for (std::uint32_t i = 0; i < 3 * SessionStore::kReadBurst; ++i) {
    EXPECT_FALSE(SignedIn(b_, RandomToken(32), clock_.now_ms, true));
  }
  EXPECT_EQ(b_.gets(), reads + SessionStore::kReadBurst + SessionStore::kReadsPerSecond);

  // While the budget is spent, a session B has not read yet is refused there (B learns of
  // sessions made elsewhere only by reading them), however long ago it was made...
  std::string token = LoginOnA();
  b_.Sync();
  EXPECT_FALSE(SignedIn(b_, token, clock_.now_ms, true));
  EXPECT_TRUE(SignedIn(a_, token, clock_.now_ms, true));  // where it was made, never
  // ...until the budget has room again: the next read is its own.
  clock_.Advance(1000 / SessionStore::kReadsPerSecond);
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms, true));
  // Read once, it is held in memory: no read and no budget needed from then on.
  const std::uint64_t reads_after = b_.gets();
  for (std::uint32_t i = 0; i < SessionStore::kReadBurst; ++i) {
    EXPECT_FALSE(SignedIn(b_, RandomToken(32), clock_.now_ms, true));
  }
  EXPECT_TRUE(SignedIn(b_, token, clock_.now_ms, true));
  EXPECT_EQ(b_.gets(), reads_after);
}

// The contract of a remembered miss: it ends when the session's change arrives, or once the
// TTL has passed without it.
TEST_F(ClusterSessionMissesTest, AMissEndsWhenTheSessionsChangeArrivesOrAfterTheTtl) {
  std::string model = LoginOnA();
  EXPECT_FALSE(SignedIn(b_, "shown-early", clock_.now_ms, true));
  StoreOnA(model, "shown-early");
  EXPECT_FALSE(SignedIn(b_, "shown-early", clock_.now_ms, true));  // remembered
  b_.Sync();
  EXPECT_TRUE(SignedIn(b_, "shown-early", clock_.now_ms, true));

  EXPECT_FALSE(SignedIn(b_, "shown-early too", clock_.now_ms, true));
  StoreOnA(model, "shown-early too");
  clock_.Advance(SessionStore::kMissTtlMs);  // nothing delivered: read again after the TTL
  EXPECT_TRUE(SignedIn(b_, "shown-early too", clock_.now_ms, true));
}

// The read finds nothing, the session's put is committed and delivered before the answer is
// used: the stale "nothing" must not be remembered, or the session would be refused here
// until the TTL passed.
TEST_F(ClusterSessionMissesTest, AMissReadWhileTheSessionsPutArrivesIsNotRemembered) {
  std::string model = LoginOnA();
  sr::testing::FakeClusterKv b_kv(database_, "b2");
  KvStoreClient b_client(b_kv.v1());
  InterleavingStore b_store(b_client);
  SessionStore b_sessions(b_store, FastSettings().sessions);
  std::unique_ptr<StoreWatch> watch = b_client.Watch(
      SessionStore::kSpace, [&](std::string_view key, std::string_view value, bool deleted) {
        b_sessions.ApplyRemote(key, value, deleted);
      });
  b_sessions.Load(clock_.now_ms);

  b_store.after_get = [&] {
    StoreOnA(model, "raced");
    b_kv.Sync();
  };
  EXPECT_FALSE(b_sessions.Peek("raced", clock_.now_ms));  // answered before the put
  EXPECT_TRUE(b_sessions.Peek("raced", clock_.now_ms));   // read again, found
  watch.reset();  // before the sessions it feeds
}

}  // namespace
}  // namespace sr::auth
