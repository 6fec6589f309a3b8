#include "user_directory.h"

#include <gtest/gtest.h>

#include "memory_key_value_store.h"

namespace sr::auth {
namespace {

TEST(NormalizeEmail, TrimsLowercasesAndValidates) {
  EXPECT_EQ(NormalizeEmail("  Alice@Example.COM "), "alice@example.com");
  for (std::string_view bad : {"", "a", "@example.com", "alice@", "a@b@c", "a b@example.com",
                               "a<b>@example.com", "a@exa\nmple.com"}) {
    EXPECT_FALSE(NormalizeEmail(bad)) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@example.com"));
}

class UserDirectoryTest : public ::testing::Test {
 protected:
  MemoryKeyValueStore store_;
  UserDirectory users_{store_};
};

TEST_F(UserDirectoryTest, CreatesAndFindsUsers) {
  auto alice = users_.Create("Alice@Example.com", Role::kOperator, "hash-a", 1000);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->id, 1u);
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(users_.FindByEmail("ALICE@example.com")->id, 1u);
  EXPECT_EQ(users_.FindById(1)->role, Role::kOperator);
  EXPECT_FALSE(users_.FindById(2));
  auto duplicate = users_.Create("alice@example.com", Role::kViewer, "hash", 1000);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error(), UserError::kEmailTaken);
  EXPECT_EQ(users_.Create("not-an-email", Role::kViewer, "h", 1).error(), UserError::kInvalidEmail);
}

TEST_F(UserDirectoryTest, IdsAreNeverReusedEvenAfterRestart) {
  users_.Create("a@example.com", Role::kAdmin, "h", 1);
  auto b = users_.Create("b@example.com", Role::kViewer, "h", 1);
  ASSERT_TRUE(users_.Delete(b->id));
  UserDirectory reloaded(store_);
  reloaded.Load();
  EXPECT_EQ(reloaded.size(), 1u);
  EXPECT_EQ(reloaded.Create("c@example.com", Role::kViewer, "h", 1)->id, 3u);
}

TEST_F(UserDirectoryTest, PersistsEverythingItKnows) {
  auto user = users_.Create("a@example.com", Role::kAdmin, "hash-1", 10);
  users_.Create("b@example.com", Role::kViewer, "hash-2", 20);
  users_.Update(2, UserChange{Role::kOperator, true}, 30);
  UserDirectory reloaded(store_);
  reloaded.Load();
  auto b = reloaded.FindByEmail("b@example.com");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->role, Role::kOperator);
  EXPECT_TRUE(b->disabled);
  EXPECT_EQ(b->password_hash, "hash-2");
  EXPECT_EQ(b->created_ms, 20);
  EXPECT_EQ(b->updated_ms, 30);
  EXPECT_EQ(b->generation, 2u);  // disabling ended its sessions
  EXPECT_EQ(reloaded.List().size(), 2u);
}

TEST_F(UserDirectoryTest, PasswordChangesBumpTheGeneration) {
  auto user = users_.Create("a@example.com", Role::kViewer, "old", 1);
  auto changed = users_.SetPasswordHash(user->id, "new", 2);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->generation, user->generation + 1);
  EXPECT_EQ(changed->password_hash, "new");
  // An upgrade of the same password keeps sessions; a stale upgrade is ignored.
  users_.UpgradePasswordHash(user->id, "new", "new-rehashed");
  EXPECT_EQ(users_.FindById(user->id)->password_hash, "new-rehashed");
  EXPECT_EQ(users_.FindById(user->id)->generation, changed->generation);
  users_.UpgradePasswordHash(user->id, "old", "stale");
  EXPECT_EQ(users_.FindById(user->id)->password_hash, "new-rehashed");
}

TEST_F(UserDirectoryTest, TheLastEnabledAdminIsProtected) {
  auto admin = users_.Create("admin@example.com", Role::kAdmin, "h", 1);
  auto viewer = users_.Create("viewer@example.com", Role::kViewer, "h", 1);
  EXPECT_EQ(users_.Update(admin->id, UserChange{Role::kOperator, std::nullopt}, 2).error(),
            UserError::kLastAdmin);
  EXPECT_EQ(users_.Update(admin->id, UserChange{std::nullopt, true}, 2).error(),
            UserError::kLastAdmin);
  EXPECT_EQ(users_.Delete(admin->id).error(), UserError::kLastAdmin);
  EXPECT_TRUE(users_.Delete(viewer->id));

  // A disabled admin does not count as a second admin.
  auto second = users_.Create("second@example.com", Role::kAdmin, "h", 1);
  ASSERT_TRUE(users_.Update(second->id, UserChange{std::nullopt, true}, 2));
  EXPECT_EQ(users_.Delete(admin->id).error(), UserError::kLastAdmin);
  // Once it is enabled again, either may go.
  ASSERT_TRUE(users_.Update(second->id, UserChange{std::nullopt, false}, 3));
  EXPECT_TRUE(users_.Update(admin->id, UserChange{Role::kViewer, std::nullopt}, 4));
  EXPECT_EQ(users_.Delete(second->id).error(), UserError::kLastAdmin);
  EXPECT_TRUE(users_.AnyAdmin());
}

TEST_F(UserDirectoryTest, UnknownIdsAreReported) {
  EXPECT_EQ(users_.Update(42, UserChange{Role::kAdmin, std::nullopt}, 1).error(),
            UserError::kNotFound);
  EXPECT_EQ(users_.Delete(42).error(), UserError::kNotFound);
  EXPECT_EQ(users_.SetPasswordHash(42, "h", 1).error(), UserError::kNotFound);
}

TEST_F(UserDirectoryTest, AFailingStoreChangesNothing) {
  auto user = users_.Create("a@example.com", Role::kAdmin, "h", 1);
  store_.SetFailing(true);
  EXPECT_THROW(users_.Create("b@example.com", Role::kViewer, "h", 1), StoreError);
  EXPECT_THROW(users_.SetPasswordHash(user->id, "other", 2), StoreError);
  store_.SetFailing(false);
  EXPECT_FALSE(users_.FindByEmail("b@example.com"));
  EXPECT_EQ(users_.FindById(user->id)->password_hash, "h");
  EXPECT_EQ(users_.Create("b@example.com", Role::kViewer, "h", 1)->id, 2u);
}

}  // namespace
}  // namespace sr::auth
