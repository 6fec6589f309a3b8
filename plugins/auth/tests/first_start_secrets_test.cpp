#include "first_start_secrets.h"
#include "login_throttle.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "temp_dir.h"

namespace sr::auth {
namespace {

TEST(FirstStartSecrets, AreWrittenOwnerOnlyAsNameValueLines) {
  sr::test::TempDir dir;
  auto file = dir.path() / "data" / kFirstStartSecretsFile;
  SaveFirstStartSecrets(file, {{"admin_password", "pw1"}, {"master_api_key", "key1"}});
  EXPECT_EQ(sr::test::ReadFile(file), "admin_password=pw1\nmaster_api_key=key1\n");
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(file.parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(FirstStartSecrets, ReplaceLinesOfTheSameNameAndKeepTheOthers) {
  sr::test::TempDir dir;
  auto file = dir.path() / kFirstStartSecretsFile;
  SaveFirstStartSecrets(file, {{"admin_password", "old"}, {"master_api_key", "key1"}});
  SaveFirstStartSecrets(file, {{"admin_password", "new=with=equals"}, {"other", "x"}});
  auto lines = ReadFirstStartSecrets(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], (std::pair<std::string, std::string>{"admin_password", "new=with=equals"}));
  EXPECT_EQ(lines[1], (std::pair<std::string, std::string>{"master_api_key", "key1"}));
  EXPECT_EQ(lines[2], (std::pair<std::string, std::string>{"other", "x"}));
}

TEST(FirstStartSecrets, AFileOthersCouldReadIsTightened) {
  sr::test::TempDir dir;
  auto file = dir.Write(kFirstStartSecretsFile, "kept=1\n");
  ::chmod(file.c_str(), 0644);
  SaveFirstStartSecrets(file, {{"admin_password", "pw"}});
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(sr::test::ReadFile(file), "kept=1\nadmin_password=pw\n");
}

TEST(LoginThrottleDelay, GrowsWithFailuresAndIsCapped) {
  FailurePolicy pair;
  AccountDelayPolicy delay;  // 5 free, 250 ms doubling, 3 s cap
  LoginThrottle throttle(pair, 20, delay);
  EXPECT_EQ(throttle.DelayFor(4), 0);
  EXPECT_EQ(throttle.DelayFor(5), 250);
  EXPECT_EQ(throttle.DelayFor(6), 500);
  EXPECT_EQ(throttle.DelayFor(8), 2'000);
  EXPECT_EQ(throttle.DelayFor(9), 3'000);
  EXPECT_EQ(throttle.DelayFor(1'000'000), 3'000);
}

TEST(LoginThrottleDelay, FailuresAreForgottenAfterQuiet) {
  FailurePolicy pair;
  AccountDelayPolicy delay;
  LoginThrottle throttle(pair, 1'000, delay);
  for (int i = 0; i < 6; ++i)
    throttle.RecordFailure("a@example.com", "10.0.0." + std::to_string(i), 0);
  EXPECT_GT(throttle.Check("a@example.com", "10.9.9.9", 1).delay_ms, 0);
  EXPECT_EQ(throttle.Check("a@example.com", "10.9.9.9", delay.forget_after_ms + 1).delay_ms, 0);
  EXPECT_EQ(throttle.Check("b@example.com", "10.9.9.9", 1).delay_ms, 0);
}

}  // namespace
}  // namespace sr::auth
