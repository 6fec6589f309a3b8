// Files and folders the host and its plugins create are private to the host's user: the
// process runs with umask 077, the data folder is 0700 (and an existing wider one of ours is
// tightened), the database with its -wal and -shm is 0600, build and upload folders 0700.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "http_client.h"
#include "test_host.h"

namespace sr::test {
namespace {

constexpr const char* kMasterKey = "file-modes-test-master-key-0001";

std::string DefaultLikeYaml() {
  return "server:\n"
         "  bind: 127.0.0.1\n"
         "  port: 0\n"
         "plugins:\n"
         "  - id: sqlite-store\n"
         "    config:\n"
         "      path: data/registry.db\n"
         "  - id: spawner-registry\n"
         "  - id: auth\n"
         "    config:\n"
         "      argon2_opslimit: 1\n"
         "      argon2_memlimit: 8KiB\n"
         "  - id: file-distribution\n";
}

std::map<std::string, std::string> Env() {
  return {{"MASTER_API_KEY", kMasterKey}, {"ADMIN_PASSWORD", "a-long-admin-password-1"}};
}

// The permission bits of `path`, or -1 if it does not exist.
int ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

void RegisterASpawner(std::uint16_t port) {
  HttpResponse registered =
      Fetch(port, "POST", "/api/spawners",
            R"({"region":"eu","host":"10.1.2.3","port":7777,"max_instances":4})",
            {{"X-API-Key", kMasterKey}, {"Content-Type", "application/json"}});
  ASSERT_EQ(registered.status, 201) << registered.body;
}

TEST(FileModes, DataAndBuildsArePrivate) {
  for (const char* plugin : {"sqlite-store", "spawner-registry", "auth", "file-distribution"}) {
    ASSERT_TRUE(std::filesystem::exists(PluginDir() + "/" + plugin + ".so")) << plugin;
  }
  TestHost host(DefaultLikeYaml(), Env());
  ASSERT_TRUE(host.Start()) << host.Output();
  RegisterASpawner(host.port());
  std::filesystem::path dir = host.dir()->path();
  EXPECT_EQ(ModeOf(dir / "data"), 0700);
  EXPECT_EQ(ModeOf(dir / "data" / "registry.db"), 0600);
  EXPECT_EQ(ModeOf(dir / "data" / "registry.db-wal"), 0600);
  // sqlite-store opens with the "unix-excl" VFS, which keeps the WAL index in memory: a -shm
  // file, should one ever appear, must be private as well.
  int shm = ModeOf(dir / "data" / "registry.db-shm");
  EXPECT_TRUE(shm == -1 || shm == 0600) << std::oct << shm;
  EXPECT_EQ(ModeOf(dir / "files"), 0700);
  EXPECT_EQ(ModeOf(dir / "files" / "builds"), 0700);
  EXPECT_EQ(ModeOf(dir / "files" / ".uploads"), 0700);
  // Every file anyone created under the data folder is private too.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "data")) {
    int mode = ModeOf(entry.path());
    EXPECT_EQ(mode & 077, 0) << entry.path() << " has mode " << std::oct << mode;
  }
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

TEST(FileModes, AWiderDataFolderOfOursIsTightenedAndLogged) {
  auto dir = std::make_shared<TempDir>();
  std::filesystem::create_directories(dir->path() / "data");
  ASSERT_EQ(::chmod((dir->path() / "data").c_str(), 0755), 0);
  TestHost host(DefaultLikeYaml(), Env(), dir);
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(ModeOf(dir->path() / "data"), 0700);
  EXPECT_NE(host.Output().find("tightened the data folder"), std::string::npos) << host.Output();
  EXPECT_NE(host.Output().find("from mode 0755 to 0700"), std::string::npos) << host.Output();
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::test
