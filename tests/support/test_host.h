#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace sr::test {

// Build-tree locations, set by CMake.
std::string HostBinary();
std::string PluginDir();
std::string FixtureDir();
std::string SourceDir();

// Replaces {{PLUGIN_DIR}}, {{FIXTURE_DIR}}, {{SOURCE_DIR}} and {{DIR}} in `text`.
std::string Expand(const std::string& text, const std::string& dir);

struct RunResult {
  int exit_code = -1;  // negative: killed by that signal
  std::string output;  // stdout and stderr
};

// The real spawner-master executable in a temporary directory, on a free loopback port.
class TestHost {
 public:
  // `yaml` is the plugins.yaml text (placeholders as in Expand). `env` adds variables.
  explicit TestHost(std::string yaml, std::map<std::string, std::string> env = {});
  // Uses an existing directory (for restarts over the same data); it is not removed.
  TestHost(std::string yaml, std::map<std::string, std::string> env, std::shared_ptr<TempDir> dir);
  ~TestHost();
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  // Starts the host and waits until it listens. False if it exited first (see exit_code()).
  bool Start(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Sends `signal` and waits for the exit; returns the exit code (negative: killed by signal).
  int Stop(int signal = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGKILL, as a crash would.
  void Kill();
  bool Running();

  std::uint16_t port() const { return port_; }
  pid_t pid() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pid_;
  }
  int exit_code() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return exit_code_;
  }
  std::string Output() const;
  const std::shared_ptr<TempDir>& dir() const { return dir_; }
  // Writes plugins.yaml again (before a restart).
  void SetYaml(const std::string& yaml);

  // Resident and peak resident memory of the running host, in KiB.
  std::uint64_t RssKib() const;
  std::uint64_t PeakRssKib() const;

  // Runs spawner-master with `args` in `dir` to completion.
  static RunResult Run(const std::vector<std::string>& args, const TempDir& dir,
                       const std::map<std::string, std::string>& env = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  bool Reap(bool block);

  // Tests poll Running() from client threads while the main thread stops the host.
  mutable std::mutex mutex_;
  std::string yaml_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int exit_code_ = -1;
  int runs_ = 0;
};

// VmRSS / VmHWM of any process, in KiB.
std::uint64_t ProcessStatusKib(pid_t pid, const std::string& field);

}  // namespace sr::test
