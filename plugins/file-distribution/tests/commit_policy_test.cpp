#include "commit_policy.h"

#include <gtest/gtest.h>

namespace sr::file_distribution {
namespace {

TEST(CommitPolicyTest, AdminsMakeTheirBuildCurrent) {
  EXPECT_EQ(CommitInstallMode("admin", false), InstallMode::kMakeCurrent);
  EXPECT_EQ(CommitInstallMode("admin", true), InstallMode::kMakeCurrent);
}

TEST(CommitPolicyTest, OperatorsStoreOnlyUnlessAllowedToActivate) {
  EXPECT_EQ(CommitInstallMode("operator", false), InstallMode::kStoreOnly);
  EXPECT_EQ(CommitInstallMode("operator", true), InstallMode::kMakeCurrent);
}

TEST(CommitPolicyTest, OtherRolesStoreOnly) {
  for (const char* role : {"spawner", "viewer", "", "Admin", "administrator"}) {
    EXPECT_EQ(CommitInstallMode(role, true), InstallMode::kStoreOnly) << role;
  }
}

TEST(CommitPolicyTest, WithoutAuthEveryRouteIsOpenSoTheCommitActivates) {
  EXPECT_EQ(CommitInstallMode(std::nullopt, false), InstallMode::kMakeCurrent);
}

TEST(CommitPolicyTest, TheOutcomeSaysHowToActivate) {
  EXPECT_EQ(CommitOutcome("1.2", true), "build 1.2 is now current");
  std::string stored = CommitOutcome("1.2", false);
  EXPECT_NE(stored.find("build 1.2 is stored but not current"), std::string::npos);
  EXPECT_NE(stored.find("admin"), std::string::npos);
  EXPECT_NE(stored.find("operators_can_activate: true"), std::string::npos);
  EXPECT_NE(stored.find("POST /api/builds/1.2/activate"), std::string::npos);
  EXPECT_EQ(ActivatePath("1.2"), "/api/builds/1.2/activate");
}

}  // namespace
}  // namespace sr::file_distribution
