#include "proc_parsers.h"

#include <gtest/gtest.h>

namespace sr::dashboard {
namespace {

constexpr std::string_view kProcStat =
    "cpu  100 20 30 800 50 5 5 10 7 3\n"
    "cpu0 50 10 15 400 25 2 3 5 0 0\n"
    "intr 12345 0 0\n"
    "ctxt 999\n";

TEST(ProcStat, SumsTheAggregateLineWithoutGuestTime) {
  auto times = ParseProcStat(kProcStat);
  ASSERT_TRUE(times);
  EXPECT_EQ(times->total, 100u + 20 + 30 + 800 + 50 + 5 + 5 + 10);
  EXPECT_EQ(times->idle, 850u);
}

TEST(ProcStat, OlderKernelsWithFewerColumns) {
  auto times = ParseProcStat("cpu 10 0 10 80\n");
  ASSERT_TRUE(times);
  EXPECT_EQ(times->total, 100u);
  EXPECT_EQ(times->idle, 80u);
}

TEST(ProcStat, RefusesMalformedText) {
  EXPECT_FALSE(ParseProcStat(""));
  EXPECT_FALSE(ParseProcStat("cpu0 1 2 3 4\n"));
  EXPECT_FALSE(ParseProcStat("cpu 1 2 x 4\n"));
  EXPECT_FALSE(ParseProcStat("cpu 1 2\n"));
}

TEST(CpuBusyPercent, IsTheNonIdleShareOfElapsedTicks) {
  auto busy = CpuBusyPercent(CpuTimes{1000, 800}, CpuTimes{1200, 950});
  ASSERT_TRUE(busy);
  EXPECT_DOUBLE_EQ(*busy, 25.0);
  EXPECT_FALSE(CpuBusyPercent(CpuTimes{1000, 800}, CpuTimes{1000, 800}));  // no time passed
  EXPECT_FALSE(CpuBusyPercent(CpuTimes{1000, 800}, CpuTimes{900, 700}));   // counters reset
}

TEST(MemInfo, ReadsTotalAndAvailableInBytes) {
  auto info = ParseMemInfo(
      "MemTotal:       24576000 kB\n"
      "MemFree:         1000000 kB\n"
      "MemAvailable:   20000000 kB\n"
      "Buffers:          100000 kB\n");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->total_bytes, 24576000ull * 1024);
  EXPECT_EQ(info->available_bytes, 20000000ull * 1024);
}

TEST(MemInfo, NeedsBothFields) {
  EXPECT_FALSE(ParseMemInfo("MemTotal: 100 kB\n"));
  EXPECT_FALSE(ParseMemInfo("MemTotal: x kB\nMemAvailable: 5 kB\n"));
}

constexpr std::string_view kNetDev =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo: 9000000    1000    0    0    0     0          0         0  9000000    1000    0    "
    "0    0     0       0          0\n"
    "  eth0: 1500    10    0    0    0     0          0         0  2500    20    0    0    0     "
    "0       0          0\n"
    "  eth1:500 5 0 0 0 0 0 0 700 7 0 0 0 0 0 0\n";

TEST(NetDev, SumsEveryInterfaceButLoopback) {
  auto counters = ParseNetDev(kNetDev);
  ASSERT_TRUE(counters);
  EXPECT_EQ(counters->rx_bytes, 2000u);
  EXPECT_EQ(counters->tx_bytes, 3200u);
}

TEST(NetDev, LoopbackOnlyIsZeroTraffic) {
  auto counters = ParseNetDev("h1\nh2\n lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n");
  ASSERT_TRUE(counters);
  EXPECT_EQ(counters->rx_bytes, 0u);
  EXPECT_EQ(counters->tx_bytes, 0u);
}

TEST(NetDev, RefusesMalformedText) {
  EXPECT_FALSE(ParseNetDev(""));
  EXPECT_FALSE(ParseNetDev("eth0: 1 2 3\n"));
  EXPECT_FALSE(ParseNetDev("eth0: a b c d e f g h i j\n"));
}

TEST(ProcessCpuTicks, CountsFieldsAfterTheCommand) {
  // The command holds spaces and a ')': fields are counted from the last one.
  auto ticks = ParseProcessCpuTicks(
      "4242 (spawner (master) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 9 0");
  ASSERT_TRUE(ticks);
  EXPECT_EQ(*ticks, 1234u + 567u);
  EXPECT_FALSE(ParseProcessCpuTicks("4242 (x) S 1 2"));
  EXPECT_FALSE(ParseProcessCpuTicks("no parenthesis"));
}

}  // namespace
}  // namespace sr::dashboard
