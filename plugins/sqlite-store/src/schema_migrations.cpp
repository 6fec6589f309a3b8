#include "schema_migrations.h"

#include <array>

namespace sr::sqlite_store {

namespace {

constexpr std::array kMigrations = {
    Migration{1, "key-value table",
              "CREATE TABLE kv ("
              "  ns TEXT NOT NULL,"
              "  key BLOB NOT NULL,"
              "  value BLOB NOT NULL,"
              "  PRIMARY KEY (ns, key)"
              ") WITHOUT ROWID;"},
};

// Tables of a database that holds no schema version of ours.
std::string ForeignTables(Connection& db) {
  Statement list(db.get(),
                 "SELECT group_concat(name, ', ') FROM sqlite_master "
                 "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (!list.Step()) return {};
  return std::string(list.ColumnBytes(0));
}

class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.Exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!committed_ && db_.InTransaction()) {
      try {
        db_.Exec("ROLLBACK");
      } catch (const SqliteError&) {
        // The connection is being abandoned with the failure that brought us here.
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    db_.Exec("COMMIT");
    committed_ = true;
  }

 private:
  Connection& db_;
  bool committed_ = false;
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

MigrationResult Migrate(Connection& db) {
  Transaction transaction(db);
  MigrationResult result;
  result.from_version = static_cast<int>(db.QueryInt("PRAGMA user_version"));
  auto application_id = static_cast<std::int32_t>(db.QueryInt("PRAGMA application_id"));
  if (application_id != 0 && application_id != kApplicationId) {
    throw SchemaError("belongs to another application (application_id " +
                      std::to_string(application_id) + ")");
  }
  if (result.from_version > LatestSchemaVersion()) {
    throw SchemaError("has schema version " + std::to_string(result.from_version) +
                      ", newer than this sqlite-store understands (" +
                      std::to_string(LatestSchemaVersion()) + "); upgrade the plugin");
  }
  if (result.from_version == 0 && application_id == 0) {
    std::string tables = ForeignTables(db);
    if (!tables.empty()) {
      throw SchemaError("is a database of another application (tables: " + tables + ")");
    }
  }
  result.to_version = result.from_version;
  for (const Migration& migration : kMigrations) {
    if (migration.version <= result.from_version) continue;
    db.Exec(migration.sql);
    result.to_version = migration.version;
  }
  if (result.to_version != result.from_version) {
    db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.Exec("PRAGMA user_version = " + std::to_string(result.to_version));
  }
  transaction.Commit();
  return result;
}

}  // namespace sr::sqlite_store
