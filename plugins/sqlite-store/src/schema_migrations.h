#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "sqlite_connection.h"

namespace sr::sqlite_store {

// Marks files created by this store (PRAGMA application_id), "SRKV".
inline constexpr std::int32_t kApplicationId = 0x53524B56;

// One step of the schema. `version` is the PRAGMA user_version after it ran.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Every migration, oldest first.
std::span<const Migration> Migrations();
int LatestSchemaVersion();

// A database this store must not touch: a newer schema, or another application's file.
class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationResult {
  int from_version = 0;
  int to_version = 0;
};

// Brings the database to the latest schema in one write transaction. Throws SchemaError or
// SqliteError; on failure nothing is changed.
MigrationResult Migrate(Connection& db);

}  // namespace sr::sqlite_store
