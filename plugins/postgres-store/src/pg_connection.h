#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sr::postgres_store {

// A query failed. `connection_lost` tells a dead connection (the database is unreachable:
// SR_ERR_UNAVAILABLE, reconnect) from an error of the statement itself.
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate, bool connection_lost)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};

// A query's rows, in binary format (results are always asked for in binary: bytea without
// hex decoding, bigint as 8 bytes).
class PgResult {
 public:
  explicit PgResult(std::unique_ptr<PGresult, ResultDeleter> result) : result_(std::move(result)) {}
  int rows() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view Bytes(int row, int column) const {
    return std::string_view(PQgetvalue(result_.get(), row, column),
                            static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
  }
  // A bigint (int8) column.
  std::int64_t Int64(int row, int column) const;
  // A boolean column.
  bool Bool(int row, int column) const { return Bytes(row, column) == std::string_view("\1", 1); }

 private:
  std::unique_ptr<PGresult, ResultDeleter> result_;
};

// One parameter of a statement: text (NULL when absent) or binary with its type's OID.
struct PgParam {
  std::optional<std::string_view> value;
  bool binary = false;
  Oid type = 0;  // 0: the server infers it
};
PgParam Text(std::string_view value);
PgParam Null();
PgParam Bytea(std::string_view value);
PgParam Int8(std::int64_t value, std::string& storage);
// A binary one-dimensional array of text or bytea (elements may be NULL); `storage` keeps
// the encoded bytes alive for the call.
PgParam TextArray(const std::vector<std::string_view>& items, std::string& storage);
PgParam ByteaArray(const std::vector<std::optional<std::string_view>>& items, std::string& storage);

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};

// One libpq connection. Throws PgError; after a lost connection the object is dead
// (ok() is false) and its owner opens a new one.
class PgConnection {
 public:
  // Connects (blocking, at most `connect_timeout`); throws PgError with connection_lost.
  PgConnection(const std::string& conninfo, std::chrono::seconds connect_timeout);

  bool ok() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
  PGconn* raw() const { return conn_.get(); }

  // Runs one statement with parameters; rows in binary format.
  PgResult Query(const char* sql, const std::vector<PgParam>& params = {});
  // Runs statements without parameters or rows (BEGIN, COMMIT, LISTEN, DDL).
  void Exec(const char* sql);

 private:
  PgResult Check(PGresult* raw_result);

  std::unique_ptr<PGconn, ConnDeleter> conn_;
};

// A libpq message on one line: line breaks and runs of blanks become one space.
std::string Trimmed(const char* message);

}  // namespace sr::postgres_store
