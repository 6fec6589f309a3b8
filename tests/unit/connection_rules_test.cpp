// The rules behind server.trusted_proxies and the connection limits, without sockets.
#include <gtest/gtest.h>

#include "http/client_address.h"
#include "http/connection_limits.h"
#include "runtime/host_stats.h"

namespace sr::host {
namespace {

RequestHead WithForwardedFor(std::vector<std::string> values) {
  RequestHead head;
  for (auto& value : values) head.headers.push_back(HeaderField{"X-Forwarded-For", value});
  return head;
}

sr::net::CidrSet Trusted(const std::vector<std::string>& ranges) {
  return *sr::net::CidrSet::Parse(ranges);
}

TEST(ResolveClientIp, NoTrustedProxiesMeansThePeer) {
  EXPECT_EQ(ResolveClientIp("10.0.0.1", WithForwardedFor({"1.2.3.4"}), Trusted({})), "10.0.0.1");
}

TEST(ResolveClientIp, EveryForwardedForHeaderCountsInOrder) {
  auto trusted = Trusted({"10.0.0.0/8"});
  // Two headers are one list: "6.6.6.6, 1.2.3.4, 10.0.0.2".
  RequestHead head = WithForwardedFor({"6.6.6.6, 1.2.3.4", "10.0.0.2"});
  EXPECT_EQ(ResolveClientIp("10.0.0.1", head, trusted), "1.2.3.4");
  head.headers.push_back(HeaderField{"x-forwarded-for", "5.5.5.5"});
  EXPECT_EQ(ResolveClientIp("10.0.0.1", head, trusted), "5.5.5.5");
}

TEST(ResolveClientIp, IPv6PeersAndEntries) {
  auto trusted = Trusted({"::1", "fd00::/8"});
  EXPECT_EQ(ResolveClientIp("::1", WithForwardedFor({"2001:db8::7, fd00::1"}), trusted),
            "2001:db8::7");
  EXPECT_EQ(ResolveClientIp("::1", WithForwardedFor({"[2001:db8::8]"}), trusted), "2001:db8::8");
  EXPECT_EQ(ResolveClientIp("::2", WithForwardedFor({"2001:db8::7"}), trusted), "::2");
}

TEST(ResolveClientIp, MalformedEntriesFallBackToThePeer) {
  auto trusted = Trusted({"127.0.0.1"});
  for (const char* value :
       {"", " ", "1.2.3.4,", "1.2.3.4 5.6.7.8", "unknown", "1.2.3.4, 300.1.1.1", "1.2.3.4:80"}) {
    EXPECT_EQ(ResolveClientIp("127.0.0.1", WithForwardedFor({value}), trusted), "127.0.0.1")
        << "'" << value << "'";
  }
  // Malformed entries left of the client do not matter: the walk stops at the client.
  EXPECT_EQ(ResolveClientIp("127.0.0.1", WithForwardedFor({"junk, 1.2.3.4"}), trusted), "1.2.3.4");
  EXPECT_EQ(ResolveClientIp("127.0.0.1", WithForwardedFor({",1.2.3.4"}), trusted), "1.2.3.4");
}

TEST(AddressCounter, CountsUpToTheLimitAndForgetsEmptyAddresses) {
  AddressCounter counter(2);
  EXPECT_TRUE(counter.TryAcquire("a"));
  EXPECT_TRUE(counter.TryAcquire("a"));
  EXPECT_FALSE(counter.TryAcquire("a"));
  EXPECT_TRUE(counter.TryAcquire("b"));
  EXPECT_EQ(counter.Count("a"), 2);
  counter.Release("a");
  EXPECT_TRUE(counter.TryAcquire("a"));
  counter.Release("b");
  counter.Release("b");  // more releases than acquisitions change nothing
  EXPECT_EQ(counter.Count("b"), 0);
}

TEST(IdleConnections, ClaimsTheLongestIdleAcrossThreadsOnce) {
  IdleConnections all;
  auto first = std::make_shared<IdleList>(std::weak_ptr<Mailbox>());
  auto second = std::make_shared<IdleList>(std::weak_ptr<Mailbox>());
  all.Register(first);
  all.Register(second);
  auto t0 = SteadyClock::now();
  first.get()->Add(1, t0 + std::chrono::milliseconds(5));
  second.get()->Add(2, t0);
  second.get()->Add(3, t0 + std::chrono::milliseconds(9));
  auto victim = all.ClaimOldest();
  ASSERT_TRUE(victim);
  EXPECT_EQ(victim->connection_id, 2u);
  EXPECT_EQ(victim->list, second);
  first->Remove(1, t0 + std::chrono::milliseconds(5));  // became busy
  victim = all.ClaimOldest();
  ASSERT_TRUE(victim);
  EXPECT_EQ(victim->connection_id, 3u);
  EXPECT_FALSE(all.ClaimOldest());
}

TEST(IdleConnections, ConnectionsArrivingTogetherEvictOneEach) {
  IdleConnections all;
  auto list = std::make_shared<IdleList>(std::weak_ptr<Mailbox>());
  all.Register(list);
  auto t0 = SteadyClock::now();
  list->Add(1, t0);
  list->Add(2, t0 + std::chrono::milliseconds(1));
  HostStats stats;
  for (int i = 0; i < 4; ++i) stats.ConnectionOpened();
  EXPECT_EQ(all.MakeRoom(stats, 4).decision, IdleConnections::Decision::kAdmit);
  // Two more arrive on two threads before either is checked: one eviction each, not two each.
  stats.ConnectionOpened();
  stats.ConnectionOpened();
  auto first = all.MakeRoom(stats, 4);
  ASSERT_EQ(first.decision, IdleConnections::Decision::kEvict);
  EXPECT_EQ(first.victim.connection_id, 1u);
  auto second = all.MakeRoom(stats, 4);
  ASSERT_EQ(second.decision, IdleConnections::Decision::kEvict);
  EXPECT_EQ(second.victim.connection_id, 2u);
  // A third arrives while both evictions are on their way: nothing idle is left.
  stats.ConnectionOpened();
  EXPECT_EQ(all.MakeRoom(stats, 4).decision, IdleConnections::Decision::kRefuse);
  stats.ConnectionClosed();  // the refused one
  stats.ConnectionClosed();  // victim 1 closed
  all.EvictionDone();
  stats.ConnectionClosed();  // victim 2 closed
  all.EvictionDone();
  EXPECT_EQ(stats.connections(), 4);
  stats.ConnectionClosed();
  stats.ConnectionOpened();
  EXPECT_EQ(all.MakeRoom(stats, 4).decision, IdleConnections::Decision::kAdmit);
}

}  // namespace
}  // namespace sr::host
