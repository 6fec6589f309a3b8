#include "machine_sampler.h"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.h"

namespace sr::dashboard {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class MachineSamplerTest : public ::testing::Test {
 protected:
  void Write(const std::string& name, const std::string& text) {
    fs::path path = dir_.path() / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  void WriteCounters(std::uint64_t busy, std::uint64_t idle, std::uint64_t rx, std::uint64_t tx,
                     std::uint64_t process_ticks) {
    Write("stat", "cpu " + std::to_string(busy) + " 0 0 " + std::to_string(idle) + "\n");
    Write("net/dev", "h\nh\n eth0: " + std::to_string(rx) + " 0 0 0 0 0 0 0 " + std::to_string(tx) +
                         " 0 0 0 0 0 0 0\n");
    Write("self/stat",
          "1 (host) S 1 1 1 0 -1 0 0 0 0 0 " + std::to_string(process_ticks) + " 0 0 0\n");
    Write("meminfo", "MemTotal: 1000 kB\nMemAvailable: 250 kB\n");
  }

  sr::test::TempDir dir_;
};

TEST_F(MachineSamplerTest, FirstSampleHasLevelsButNoRates) {
  WriteCounters(100, 900, 1000, 2000, 50);
  MachineSampler sampler(dir_.path(), dir_.path(), 100);
  MachineSample sample = sampler.Sample(std::chrono::steady_clock::time_point(10s));
  EXPECT_FALSE(sample.cpu_percent);
  EXPECT_FALSE(sample.net_rx_bytes_per_second);
  EXPECT_FALSE(sample.process_cpu_percent);
  EXPECT_EQ(sample.memory_total, 1000u * 1024);
  EXPECT_EQ(sample.memory_available, 250u * 1024);
  ASSERT_TRUE(sample.disk_total);
  ASSERT_TRUE(sample.disk_free);
  EXPECT_GT(*sample.disk_total, 0u);
  EXPECT_LE(*sample.disk_free, *sample.disk_total);
}

TEST_F(MachineSamplerTest, RatesComeFromDeltasOverElapsedTime) {
  MachineSampler sampler(dir_.path(), dir_.path(), 100);
  WriteCounters(100, 900, 1000, 2000, 50);
  sampler.Sample(std::chrono::steady_clock::time_point(10s));
  WriteCounters(150, 1050, 5000, 2500, 150);  // 2 s later
  MachineSample sample = sampler.Sample(std::chrono::steady_clock::time_point(12s));
  ASSERT_TRUE(sample.cpu_percent);
  EXPECT_DOUBLE_EQ(*sample.cpu_percent, 25.0);  // 50 busy of 200 ticks
  ASSERT_TRUE(sample.net_rx_bytes_per_second);
  EXPECT_DOUBLE_EQ(*sample.net_rx_bytes_per_second, 2000.0);
  EXPECT_DOUBLE_EQ(*sample.net_tx_bytes_per_second, 250.0);
  ASSERT_TRUE(sample.process_cpu_percent);
  EXPECT_DOUBLE_EQ(*sample.process_cpu_percent, 50.0);  // 100 ticks in 2 s at 100 Hz
}

TEST_F(MachineSamplerTest, MissingFilesGiveUnknownFigures) {
  MachineSampler sampler(dir_.path() / "nothing", dir_.path() / "nothing", 100);
  MachineSample sample = sampler.Sample(std::chrono::steady_clock::time_point(1s));
  sample = sampler.Sample(std::chrono::steady_clock::time_point(2s));
  EXPECT_FALSE(sample.cpu_percent);
  EXPECT_FALSE(sample.memory_total);
  EXPECT_FALSE(sample.disk_total);
  EXPECT_FALSE(sample.net_rx_bytes_per_second);
}

TEST_F(MachineSamplerTest, CounterResetGivesNoRateInsteadOfAHugeOne) {
  MachineSampler sampler(dir_.path(), dir_.path(), 100);
  WriteCounters(100, 900, 5000, 5000, 50);
  sampler.Sample(std::chrono::steady_clock::time_point(1s));
  WriteCounters(150, 950, 10, 10, 60);
  MachineSample sample = sampler.Sample(std::chrono::steady_clock::time_point(2s));
  EXPECT_FALSE(sample.net_rx_bytes_per_second);
  EXPECT_FALSE(sample.net_tx_bytes_per_second);
}

TEST(MachineSamplerOnThisMachine, ReadsTheRealProc) {
  MachineSampler sampler("/proc", "/", 100);
  sampler.Sample(std::chrono::steady_clock::now());
  MachineSample sample = sampler.Sample(std::chrono::steady_clock::now() + 1s);
  EXPECT_TRUE(sample.memory_total);
  EXPECT_TRUE(sample.disk_total);
}

}  // namespace
}  // namespace sr::dashboard
