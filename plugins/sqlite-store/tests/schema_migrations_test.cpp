#include "schema_migrations.h"

#include <gtest/gtest.h>

namespace sr::sqlite_store {
namespace {

TEST(SqliteStoreSchemaTest, VersionsAreIncreasingFromOne) {
  int previous = 0;
  for (const Migration& migration : Migrations()) {
    EXPECT_EQ(migration.version, previous + 1) << migration.description;
    previous = migration.version;
  }
  EXPECT_EQ(LatestSchemaVersion(), previous);
}

TEST(SqliteStoreSchemaTest, AFreshDatabaseIsMigratedAndMarked) {
  Connection db(":memory:");
  MigrationResult result = Migrate(db);
  EXPECT_EQ(result.from_version, 0);
  EXPECT_EQ(result.to_version, LatestSchemaVersion());
  EXPECT_EQ(db.QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(db.QueryInt("PRAGMA application_id"), kApplicationId);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM kv"), 0);
}

TEST(SqliteStoreSchemaTest, MigratingTwiceChangesNothing) {
  Connection db(":memory:");
  Migrate(db);
  MigrationResult again = Migrate(db);
  EXPECT_EQ(again.from_version, again.to_version);
}

TEST(SqliteStoreSchemaTest, ANewerSchemaIsRefused) {
  Connection db(":memory:");
  Migrate(db);
  db.Exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  EXPECT_THROW(Migrate(db), SchemaError);
}

TEST(SqliteStoreSchemaTest, AnotherApplicationIdIsRefused) {
  Connection db(":memory:");
  db.Exec("PRAGMA application_id = 42");
  EXPECT_THROW(Migrate(db), SchemaError);
}

TEST(SqliteStoreSchemaTest, AFailedMigrationLeavesNothingBehind) {
  Connection db(":memory:");
  db.Exec("CREATE TABLE unrelated (x)");
  EXPECT_THROW(Migrate(db), SchemaError);
  EXPECT_EQ(db.QueryInt("PRAGMA user_version"), 0);
  EXPECT_EQ(db.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'kv'"), 0);
}

}  // namespace
}  // namespace sr::sqlite_store
