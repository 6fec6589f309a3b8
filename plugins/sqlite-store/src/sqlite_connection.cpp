#include "sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

namespace sr::sqlite_store {

namespace {

[[noreturn]] void Throw(sqlite3* db, int code) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw SqliteError(code, message);
}

}  // namespace

KvStatus SqliteError::status() const {
  switch (code_ & 0xFF) {
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return KvStatus::kInvalidArgument;
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL:
      return KvStatus::kInternal;
    default:
      return KvStatus::kUnavailable;
  }
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(statement_);
    statement_ = nullptr;
    Throw(db, code);
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}

void Statement::Check(int code) const {
  if (code != SQLITE_OK) Throw(db_, code);
}

void Statement::BindText(int index, std::string_view text) {
  Check(sqlite3_bind_text(statement_, index, text.empty() ? "" : text.data(),
                          static_cast<int>(text.size()), SQLITE_STATIC));
}

void Statement::BindBlob(int index, std::string_view bytes) {
  // A null pointer would bind NULL instead of an empty blob.
  Check(sqlite3_bind_blob(statement_, index, bytes.empty() ? "" : bytes.data(),
                          static_cast<int>(bytes.size()), SQLITE_STATIC));
}

void Statement::BindInt(int index, std::int64_t value) {
  Check(sqlite3_bind_int64(statement_, index, value));
}

bool Statement::Step() {
  int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  Throw(db_, code);
}

std::string_view Statement::ColumnBytes(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr || size <= 0) return {};
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

std::int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(statement_, column);
}

void Statement::Reset() {
  // The step's error was already reported by Step(); reset repeats it.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

Connection::Connection(const std::string& path) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  // "unix-excl": the database belongs to this process alone (a second server on the same
  // file is refused instead of sharing it), and WAL's index lives on the heap rather than in
  // a memory-mapped -shm file, whose pages turn into SIGBUS when the disk fills or the file
  // becomes unwritable.
  int code = sqlite3_open_v2(path.c_str(), &db_, flags, "unix-excl");
  if (code != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(code, message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() { sqlite3_close_v2(db_); }

void Connection::Exec(const std::string& sql) {
  int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) Throw(db_, code);
}

std::string Connection::QueryText(const std::string& sql) {
  Statement statement(db_, sql);
  if (!statement.Step()) return {};
  return std::string(statement.ColumnBytes(0));
}

std::int64_t Connection::QueryInt(const std::string& sql) {
  Statement statement(db_, sql);
  if (!statement.Step()) return 0;
  return statement.ColumnInt(0);
}

bool Connection::ReadOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace sr::sqlite_store
