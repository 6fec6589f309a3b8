#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store_types.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sr::sqlite_store {

// A failed SQLite call: the extended result code and SQLite's message.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }
  // Disk full, read-only, I/O errors and locks make the store unavailable; malformed input is
  // the caller's; the rest is internal.
  KvStatus status() const;

 private:
  int code_;
};

// One prepared statement, finalized on destruction. Not thread-safe (neither is its
// connection): each connection is used by one thread at a time.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void BindText(int index, std::string_view text);
  // Binds bytes as a BLOB, so that comparisons use unsigned byte order (memcmp).
  void BindBlob(int index, std::string_view bytes);
  void BindInt(int index, std::int64_t value);
  // True while rows come; false when done. Throws SqliteError.
  bool Step();
  std::string_view ColumnBytes(int column) const;
  std::int64_t ColumnInt(int column) const;
  // Ends the statement's use and clears its bindings, releasing its read snapshot.
  void Reset();

 private:
  void Check(int code) const;

  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when the scope ends, whatever happens inside it: a statement left
// unreset would pin its read snapshot and stop WAL checkpoints.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.Reset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  Statement* operator->() { return &statement_; }

 private:
  Statement& statement_;
};

// One database connection, closed on destruction.
class Connection {
 public:
  // Opens `path` for reading and writing, creating it. Throws SqliteError.
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }
  void Exec(const std::string& sql);
  // The first column of the first row as text ("" without rows).
  std::string QueryText(const std::string& sql);
  std::int64_t QueryInt(const std::string& sql);
  // True when SQLite could only open the file for reading.
  bool ReadOnly() const;
  // True inside an explicit transaction.
  bool InTransaction() const;

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace sr::sqlite_store
