// sqlite-store through the real executable: where the database goes, and how start-up fails
// on a file that cannot be used.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "read_only_file.h"
#include "store_test_util.h"
#include "test_host.h"

namespace {

using sr::test::TestHost;

constexpr const char* kYaml = R"(server:
  bind: 127.0.0.1
  port: 0
plugins:
  - id: sqlite-store
)";

std::string YamlWithPath(const std::string& path) {
  return std::string(kYaml) + "    config:\n      path: " + path + "\n";
}

// Starts a host that must fail; returns its output.
std::string FailedStartOutput(TestHost& host) {
  EXPECT_FALSE(host.Start());
  EXPECT_NE(host.exit_code(), 0);
  return host.Output();
}

void CreateDatabaseWithRows(const std::filesystem::path& path, int rows) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "PRAGMA application_id = 1397902166; PRAGMA user_version = 1;"
                         "CREATE TABLE kv (ns TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT "
                         "NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int i = 0; i < rows; ++i) {
    std::string sql =
        "INSERT INTO kv VALUES ('n', 'key-" + std::to_string(i) + "', randomblob(100))";
    sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

TEST(SqliteStoreE2eTest, DefaultsToDataRegistryDbNextToPluginsYaml) {
  TestHost host(kYaml, {{"DB_PATH", ""}});
  ASSERT_TRUE(host.Start()) << host.Output();
  auto expected = host.dir()->path() / "data" / "registry.db";
  EXPECT_TRUE(std::filesystem::exists(expected)) << host.Output();
  EXPECT_NE(host.Output().find(expected.string()), std::string::npos) << host.Output();
  EXPECT_EQ(host.Stop(), 0);
}

TEST(SqliteStoreE2eTest, DbPathFromTheEnvironmentCreatesFolders) {
  TestHost host(kYaml, {{"DB_PATH", "state/deep/fleet.db"}});
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_TRUE(std::filesystem::exists(host.dir()->path() / "state" / "deep" / "fleet.db"));
  EXPECT_EQ(host.Stop(), 0);
}

TEST(SqliteStoreE2eTest, AFileThatIsNotADatabaseStopsStartUpNamingThePath) {
  TestHost host(YamlWithPath("broken.db"));
  auto path = host.dir()->Write("broken.db", std::string(8192, 'z'));
  std::string output = FailedStartOutput(host);
  EXPECT_NE(output.find(path.string()), std::string::npos) << output;
  EXPECT_NE(output.find("not a SQLite database"), std::string::npos) << output;
  // The file is left as it was: no silent replacement.
  EXPECT_EQ(sr::test::ReadFile(path), std::string(8192, 'z'));
}

TEST(SqliteStoreE2eTest, ACorruptDatabaseStopsStartUpNamingThePath) {
  TestHost host(YamlWithPath("corrupt.db"));
  auto path = host.dir()->path() / "corrupt.db";
  CreateDatabaseWithRows(path, 2000);
  sr::sqlite_store::testing::Scribble(path, 4096 + 64, 8192);
  std::string output = FailedStartOutput(host);
  EXPECT_NE(output.find(path.string()), std::string::npos) << output;
  EXPECT_NE(output.find("corrupt"), std::string::npos) << output;
}

TEST(SqliteStoreE2eTest, AReadOnlyDatabaseStopsStartUpNamingThePath) {
  TestHost host(YamlWithPath("readonly.db"));
  auto path = host.dir()->path() / "readonly.db";
  CreateDatabaseWithRows(path, 10);
  sr::sqlite_store::testing::ReadOnlyFile read_only(path);
  if (!read_only.ok()) GTEST_SKIP() << "cannot make a file read-only for root here";
  std::string output = FailedStartOutput(host);
  EXPECT_NE(output.find(path.string()), std::string::npos) << output;
  EXPECT_NE(output.find("read-only"), std::string::npos) << output;
}

TEST(SqliteStoreE2eTest, InvalidConfigIsRefusedNamingTheKey) {
  TestHost bad_mode(std::string(kYaml) + "    config:\n      synchronous: sometimes\n");
  EXPECT_NE(FailedStartOutput(bad_mode).find("synchronous"), std::string::npos);
  TestHost unknown(std::string(kYaml) + "    config:\n      pth: x.db\n");
  EXPECT_NE(FailedStartOutput(unknown).find("pth"), std::string::npos);
}

}  // namespace
