#include "audit_log.h"

#include <gtest/gtest.h>

#include "memory_key_value_store.h"

namespace sr::auth {
namespace {

AuditEntry Entry(std::string action, std::string target = "") {
  AuditEntry entry;
  entry.actor = "admin@example.com";
  entry.action = std::move(action);
  entry.target = std::move(target);
  entry.ip = "192.0.2.1";
  return entry;
}

// "a<n>", appended: `"a" + std::to_string(n)` trips GCC 12's false -Wrestrict at -O3
// (GCC PR 105651).
std::string Action(int n) {
  std::string action = "a";
  action += std::to_string(n);
  return action;
}

class AuditLogTest : public ::testing::Test {
 protected:
  MemoryKeyValueStore store_;
  std::int64_t now_ms_ = 1'700'000'000'000;
  NowFn now_ = [this] { return now_ms_; };
};

TEST_F(AuditLogTest, RecordsAndPagesNewestFirst) {
  AuditLog log(store_, 1000, now_);
  log.Load();
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(log.Record(Entry(Action(i))), i);
  auto first = log.Page(2, std::nullopt);
  ASSERT_EQ(first.entries.size(), 2u);
  EXPECT_EQ(first.entries[0].action, "a5");
  EXPECT_EQ(first.entries[1].action, "a4");
  EXPECT_EQ(first.entries[0].time_ms, now_ms_);
  ASSERT_TRUE(first.next_before);
  auto second = log.Page(2, first.next_before);
  ASSERT_EQ(second.entries.size(), 2u);
  EXPECT_EQ(second.entries[0].action, "a3");
  auto last = log.Page(2, second.next_before);
  ASSERT_EQ(last.entries.size(), 1u);
  EXPECT_EQ(last.entries[0].action, "a1");
  EXPECT_FALSE(last.next_before);
}

TEST_F(AuditLogTest, KeepsOnlyTheRetainedNumberOfEntries) {
  AuditLog log(store_, 3, now_);
  log.Load();
  for (int i = 1; i <= 10; ++i) log.Record(Entry(Action(i)));
  EXPECT_EQ(store_.Count(AuditLog::kSpace), 3u);
  auto page = log.Page(100, std::nullopt);
  ASSERT_EQ(page.entries.size(), 3u);
  EXPECT_EQ(page.entries.back().action, "a8");
}

TEST_F(AuditLogTest, ContinuesTheSequenceAfterARestart) {
  {
    AuditLog log(store_, 100, now_);
    log.Load();
    log.Record(Entry("before"));
    log.Record(Entry("before"));
  }
  AuditLog log(store_, 100, now_);
  log.Load();
  EXPECT_EQ(log.Record(Entry("after")), 3u);
}

TEST_F(AuditLogTest, ALoweredRetentionCatchesUpAfterARestart) {
  {
    AuditLog log(store_, 100, now_);
    log.Load();
    for (int i = 0; i < 20; ++i) log.Record(Entry("x"));
  }
  AuditLog log(store_, 5, now_);
  log.Load();
  log.Record(Entry("y"));
  EXPECT_EQ(store_.Count(AuditLog::kSpace), 5u);
}

TEST_F(AuditLogTest, CleansAndTruncatesUntrustedFields) {
  AuditLog log(store_, 100, now_);
  log.Load();
  AuditEntry entry = Entry("spawner.delete");
  entry.detail = std::string(5000, 'd');
  entry.target = "line\nbreak \xff";
  log.Record(entry);
  auto page = log.Page(1, std::nullopt);
  EXPECT_EQ(page.entries[0].detail.size(), 2048u);
  EXPECT_EQ(page.entries[0].target, "line?break ?");
}

TEST_F(AuditLogTest, ParsesEventPayloads) {
  auto entry = AuditLog::FromEventPayload(
      R"({"actor":"key:ops","action":"spawner.delete","target":"7","ip":"10.0.0.1","detail":"x"})");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->actor, "key:ops");
  EXPECT_EQ(entry->action, "spawner.delete");
  EXPECT_EQ(entry->target, "7");
  EXPECT_FALSE(AuditLog::FromEventPayload("[]"));
  EXPECT_FALSE(AuditLog::FromEventPayload(R"({"actor":"a"})"));
  EXPECT_FALSE(AuditLog::FromEventPayload(R"({"action":5})"));
  EXPECT_FALSE(AuditLog::FromEventPayload(std::string(100000, '[')));  // no stack overflow
}

TEST_F(AuditLogTest, PageSizeIsClamped) {
  AuditLog log(store_, 5000, now_);
  log.Load();
  for (int i = 0; i < 1100; ++i) log.Record(Entry("x"));
  EXPECT_EQ(log.Page(5000, std::nullopt).entries.size(), AuditLog::kMaxPageSize);
  EXPECT_EQ(log.Page(0, std::nullopt).entries.size(), 1u);
}

}  // namespace
}  // namespace sr::auth
