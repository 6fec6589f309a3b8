#include "bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "memory_key_value_store.h"
#include "temp_dir.h"

namespace sr::auth {
namespace {

TEST(GeneratedKey, IsCreatedOnceAndOnlyItsDigestIsKeptInAPrivateFile) {
  sr::test::TempDir dir;
  auto file = dir.path() / "data" / "generated-api-key.digest";
  FileGeneratedKeyStore store(file);

  ApiKeyVerifier first;
  auto key = EnsureApiKey(first, store, false);
  ASSERT_TRUE(key);
  EXPECT_GE(key->size(), 43u);
  auto match = first.Verify(*key);
  ASSERT_TRUE(match);
  // It stands in for MASTER_API_KEY: a spawner key named "master", never an admin key.
  EXPECT_EQ(match->role, Role::kSpawner);
  EXPECT_EQ(match->name, "master");

  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(file.parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_EQ(sr::test::ReadFile(file).find(*key), std::string::npos);

  // The next start loads it, and has nothing to show.
  ApiKeyVerifier second;
  EXPECT_FALSE(EnsureApiKey(second, store, false));
  EXPECT_TRUE(second.Verify(*key));
  EXPECT_FALSE(second.Verify("something else"));
}

TEST(GeneratedKey, IsNotUsedWhenKeysAreConfigured) {
  MemoryKeyValueStore kv;
  KvGeneratedKeyStore store(kv);
  ApiKeyVerifier verifier;
  verifier.AddKey("master", "configured-key-0123456789", Role::kSpawner);
  EXPECT_FALSE(EnsureApiKey(verifier, store, true));
  EXPECT_EQ(verifier.size(), 1u);
  EXPECT_FALSE(store.Load());
}

TEST(GeneratedKey, LivesInTheKeyValueStoreWhenThereIsOne) {
  MemoryKeyValueStore kv;
  KvGeneratedKeyStore store(kv);
  ApiKeyVerifier first;
  auto key = EnsureApiKey(first, store, false);
  ASSERT_TRUE(key);
  auto stored = kv.Get(KvGeneratedKeyStore::kSpace, KvGeneratedKeyStore::kKey);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->find(*key), std::string::npos);
  ApiKeyVerifier second;
  EXPECT_FALSE(EnsureApiKey(second, store, false));
  EXPECT_TRUE(second.Verify(*key));
}

TEST(GeneratedKey, AMalformedFileIsAnError) {
  sr::test::TempDir dir;
  auto file = dir.Write("digest", "not a digest\n");
  FileGeneratedKeyStore store(file);
  ApiKeyVerifier verifier;
  EXPECT_THROW(EnsureApiKey(verifier, store, false), std::runtime_error);
}

class AdminBootstrapTest : public ::testing::Test {
 protected:
  MemoryKeyValueStore kv_;
  UserDirectory users_{kv_};
  PasswordHasher hasher_{Argon2Limits::Minimum()};
  PasswordPolicy policy_;
};

TEST_F(AdminBootstrapTest, CreatesTheAdminWithARandomPasswordShownOnce) {
  auto result = EnsureAdmin(users_, hasher_, policy_, "Admin@Example.com", std::nullopt, 1);
  EXPECT_EQ(result.outcome, AdminBootstrap::Outcome::kCreatedWithRandom);
  EXPECT_EQ(result.email, "admin@example.com");
  EXPECT_FALSE(policy_.Problem(result.password));
  auto admin = users_.FindByEmail("admin@example.com");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->role, Role::kAdmin);
  EXPECT_TRUE(hasher_.Verify(admin->password_hash, result.password));

  auto again = EnsureAdmin(users_, hasher_, policy_, "admin@example.com", std::nullopt, 2);
  EXPECT_EQ(again.outcome, AdminBootstrap::Outcome::kAdminExists);
  EXPECT_TRUE(again.password.empty());
}

TEST_F(AdminBootstrapTest, UsesAdminPasswordWhenGiven) {
  auto result =
      EnsureAdmin(users_, hasher_, policy_, "admin@example.com", "a long enough password", 1);
  EXPECT_EQ(result.outcome, AdminBootstrap::Outcome::kCreated);
  EXPECT_TRUE(result.password.empty());
  EXPECT_TRUE(hasher_.Verify(users_.FindByEmail("admin@example.com")->password_hash,
                             "a long enough password"));
}

TEST_F(AdminBootstrapTest, RefusesAWeakAdminPasswordAndABadEmail) {
  EXPECT_THROW(EnsureAdmin(users_, hasher_, policy_, "admin@example.com", "short", 1),
               std::invalid_argument);
  EXPECT_THROW(EnsureAdmin(users_, hasher_, policy_, "not-an-email", std::nullopt, 1),
               std::invalid_argument);
  EXPECT_EQ(users_.size(), 0u);
}

TEST_F(AdminBootstrapTest, DoesNotHijackAnExistingNonAdmin) {
  users_.Create("admin@example.com", Role::kViewer, "h", 1);
  auto result = EnsureAdmin(users_, hasher_, policy_, "admin@example.com", std::nullopt, 1);
  EXPECT_EQ(result.outcome, AdminBootstrap::Outcome::kEmailTaken);
  EXPECT_EQ(users_.FindByEmail("admin@example.com")->role, Role::kViewer);
}

}  // namespace
}  // namespace sr::auth
