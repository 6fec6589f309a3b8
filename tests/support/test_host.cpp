#include "test_host.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace sr::test {

std::string HostBinary() { return SR_TEST_HOST_BINARY; }
std::string PluginDir() { return SR_TEST_PLUGIN_DIR; }
std::string FixtureDir() { return SR_TEST_FIXTURE_DIR; }
std::string SourceDir() { return SR_TEST_SOURCE_DIR; }

namespace {

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

// Everything the child needs is built before fork(): between fork and exec a child of a
// multi-threaded process may only make async-signal-safe calls. Another thread of the test
// (a second master starting, a traffic thread) may hold an allocator lock at the moment of
// the fork, and a child that then allocates (setenv, a vector) waits for it forever; under
// AddressSanitizer, whose allocator takes no fork precautions, that happens.
pid_t Spawn(const std::vector<std::string>& args, const std::filesystem::path& dir,
            const std::map<std::string, std::string>& env, const std::filesystem::path& log,
            bool append) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // The inherited environment with `env` laid over it.
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string name(text.substr(0, text.find('=')));
    if (env.count(name) == 0) entries.emplace_back(text);
  }
  for (const auto& [name, value] : env) entries.push_back(std::string(name).append("=").append(value));
  std::vector<char*> envp;
  for (auto& entry : entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    int out = ::open(log.c_str(), flags, 0644);
    if (out < 0) ::_exit(127);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::string Expand(const std::string& text, const std::string& dir) {
  std::string out = text;
  ReplaceAll(out, "{{PLUGIN_DIR}}", PluginDir());
  ReplaceAll(out, "{{FIXTURE_DIR}}", FixtureDir());
  ReplaceAll(out, "{{SOURCE_DIR}}", SourceDir());
  ReplaceAll(out, "{{DIR}}", dir);
  return out;
}

std::uint64_t ProcessStatusKib(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stoull(line.substr(field.size() + 1));
    }
  }
  return 0;
}

TestHost::TestHost(std::string yaml, std::map<std::string, std::string> env)
    : TestHost(std::move(yaml), std::move(env), std::make_shared<TempDir>()) {}

TestHost::TestHost(std::string yaml, std::map<std::string, std::string> env,
                   std::shared_ptr<TempDir> dir)
    : yaml_(std::move(yaml)), env_(std::move(env)), dir_(std::move(dir)) {
  SetYaml(yaml_);
}

TestHost::~TestHost() {
  if (Running()) Kill();
}

void TestHost::SetYaml(const std::string& yaml) {
  yaml_ = yaml;
  dir_->Write("plugins.yaml", Expand(yaml_, dir_->path().string()));
}

bool TestHost::Start(std::chrono::milliseconds timeout) {
  auto ready = dir_->path() / "ready.json";
  std::filesystem::remove(ready);
  port_ = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  exit_code_ = -1;
  pid_ = Spawn({HostBinary(), "--config", (dir_->path() / "plugins.yaml").string(), "--ready-file",
                ready.string()},
               dir_->path(), env_, dir_->path() / "host.log", runs_++ > 0);
  lock.unlock();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  static const std::regex kPort("\"port\":([0-9]+)");
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(ready)) {
      std::smatch match;
      std::string text = ReadFile(ready);
      if (std::regex_search(text, match, kPort)) {
        port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
        return true;
      }
    }
    if (Reap(false)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  return false;
}

bool TestHost::Reap(bool block) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t done = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (done == pid_) {
    exit_code_ = DecodeStatus(status);
    pid_ = -1;
    return true;
  }
  return false;
}

bool TestHost::Running() { return !Reap(false); }

int TestHost::Stop(int signal, std::chrono::milliseconds timeout) {
  pid_t running = pid();
  if (running <= 0) return exit_code();
  ::kill(running, signal);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Reap(false)) return exit_code();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return exit_code();
}

void TestHost::Kill() {
  pid_t running = pid();
  if (running <= 0) return;
  ::kill(running, SIGKILL);
  Reap(true);
}

std::string TestHost::Output() const { return ReadFile(dir_->path() / "host.log"); }

std::uint64_t TestHost::RssKib() const {
  pid_t running = pid();
  return running > 0 ? ProcessStatusKib(running, "VmRSS") : 0;
}
std::uint64_t TestHost::PeakRssKib() const {
  pid_t running = pid();
  return running > 0 ? ProcessStatusKib(running, "VmHWM") : 0;
}

RunResult TestHost::Run(const std::vector<std::string>& args, const TempDir& dir,
                        const std::map<std::string, std::string>& env,
                        std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{HostBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto log = dir.path() / "run.log";
  pid_t pid = Spawn(argv, dir.path(), env, log, false);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  RunResult result;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      result.exit_code = DecodeStatus(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.exit_code = DecodeStatus(status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.output = ReadFile(log);
  return result;
}

}  // namespace sr::test
