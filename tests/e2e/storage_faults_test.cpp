// Storage faults while the host runs: the database folder turns read-only, the disk fills up.
// Writes must fail with 503 and a clear message (in the log and the error log), reads keep
// working, nothing is corrupted, /health says "degraded" naming sqlite-store while writes fail,
// and writes succeed again (and /health is healthy again) once the fault is gone.
// Needs root: a small tmpfs for the full disk, the immutable flag (ext4) for read-only files,
// because a read-only remount is refused while the database is open for writing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kApiKey = "storage-fault-test-key-0123456789";
// Listing every spawner needs an operator key.
constexpr const char* kOperatorKey = "storage-fault-operator-key-0123456789";

// A tmpfs of `size` mounted on a fresh folder, unmounted on destruction.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size) : path_(dir_.path() / "disk") {
    std::filesystem::create_directories(path_);
    std::string options = "size=" + size;
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::filesystem::path& path() const { return path_; }
  bool SetReadOnly(bool read_only) {
    unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount("tmpfs", path_.c_str(), "tmpfs", flags, nullptr) == 0;
  }
  // Writes filler until the disk is full.
  void Fill() {
    std::ofstream out(path_ / "filler", std::ios::binary);
    std::string block(64 * 1024, 'z');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
      out.flush();
    }
  }
  void Unfill() { std::filesystem::remove(path_ / "filler"); }

 private:
  TempDir dir_;
  std::filesystem::path path_;
  bool mounted_ = false;
};

// Sets or clears the immutable flag, which even root cannot write through, on every file of
// `folder` and on the folder itself. False where the filesystem does not support it.
bool SetImmutable(const std::filesystem::path& folder, bool on) {
  std::vector<std::filesystem::path> paths{folder};
  for (const auto& entry : std::filesystem::directory_iterator(folder)) paths.push_back(entry);
  bool all = true;
  for (const auto& path : paths) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    int flags = 0;
    bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (done) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    all = all && done;
  }
  return all;
}

std::string Registration(int n) {
  return "{\"region\":\"eu\",\"host\":\"10.0.0." + std::to_string(n % 250) +
         "\",\"port\":7000,\"max_instances\":4}";
}

class StorageFaults : public ::testing::Test {
 protected:
  // Starts the host with its database in `folder`.
  void StartHost(const std::filesystem::path& folder) {
    host_ = std::make_unique<TestHost>(
        "server:\n  bind: 127.0.0.1\n  port: 0\nplugins:\n  - id: sqlite-store\n    config:\n"
        "      path: " +
            (folder / "registry.db").string() +
            "\n  - id: spawner-registry\n  - id: auth\n    config:\n      api_keys:\n" +
            "        - {name: ops, key: \"" + kOperatorKey + "\", role: operator}\n",
        std::map<std::string, std::string>{{"MASTER_API_KEY", kApiKey},
                                           {"ADMIN_PASSWORD", "storage-faults-password"}});
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  HttpResponse Register(int n) {
    return client_->Post("/api/spawners", Registration(n), {{"X-API-Key", kApiKey}});
  }
  HttpResponse List() { return client_->Get("/api/spawners", {{"X-API-Key", kOperatorKey}}); }
  std::string Health() { return client_->Get("/health").body; }
  // While writes fail: degraded, naming the plugin and the database.
  void ExpectDegraded() {
    std::string health = Health();
    EXPECT_NE(health.find("{\"status\":\"degraded\",\"degraded\":[{\"plugin\":\"sqlite-store\","
                          "\"reason\":\"cannot write database '"),
              std::string::npos)
        << health;
    EXPECT_NE(health.find("registry.db"), std::string::npos) << health;
  }
  size_t CountSpawners() {
    auto body = List().body;
    return static_cast<size_t>(std::count(body.begin(), body.end(), '{'));
  }
  void ExpectCleanRestart(size_t expected) {
    ASSERT_EQ(host_->Stop(), 0) << host_->Output();
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
    EXPECT_EQ(CountSpawners(), expected);
  }

  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(StorageFaults, ReadOnlyFolder) {
  if (::geteuid() != 0) GTEST_SKIP() << "the immutable flag needs root";
  TempDir folder;
  StartHost(folder.path());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Register(i).status, 201);
  if (!SetImmutable(folder.path(), true)) GTEST_SKIP() << "no immutable flag on this filesystem";
  auto refused = Register(99);
  auto deletion = client_->Request("DELETE", "/api/spawners/1", "", {{"X-API-Key", kApiKey}});
  SetImmutable(folder.path(), false);  // before any assertion can return early
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(deletion.status, 503) << deletion.body;
  ExpectDegraded();
  EXPECT_EQ(CountSpawners(), 5u);  // reads kept working, nothing half-done
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline && (status = Register(100).status) != 201) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(status, 201);
  EXPECT_EQ(Health(), "{\"status\":\"healthy\"}");
  // The log says what failed and where.
  EXPECT_NE(host_->Output().find("registry.db"), std::string::npos) << host_->Output();
  ExpectCleanRestart(6);
}

TEST_F(StorageFaults, FullDisk) {
  SmallDisk disk("4m");
  if (!disk.mounted()) GTEST_SKIP() << "mounting a tmpfs needs root";
  StartHost(disk.path());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Register(i).status, 201);
  disk.Fill();
  int refused = 0;
  int accepted = 5;
  for (int i = 10; i < 60; ++i) {
    int status = Register(i).status;
    if (status == 201) ++accepted;
    if (status == 503) ++refused;
    EXPECT_TRUE(status == 201 || status == 503) << status;
  }
  EXPECT_GT(refused, 0);
  // A full disk may still take a small write now and then (a freed WAL page), which clears
  // the state: check /health right after a refusal.
  for (int i = 60; i < 80; ++i) {
    int status = Register(i).status;
    if (status == 201) ++accepted;
    if (status == 503) break;
  }
  ExpectDegraded();
  EXPECT_EQ(List().status, 200);
  EXPECT_EQ(CountSpawners(), static_cast<size_t>(accepted));
  disk.Unfill();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline && (status = Register(200).status) != 201) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(status, 201);
  EXPECT_EQ(Health(), "{\"status\":\"healthy\"}");
  ++accepted;
  ExpectCleanRestart(static_cast<size_t>(accepted));
}

}  // namespace
}  // namespace sr::test
