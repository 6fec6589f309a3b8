#include "pg_connection.h"

#include <cstring>

namespace sr::postgres_store {
namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kByteaArrayOid = 1001;
constexpr Oid kTextArrayOid = 1009;

void AppendInt32(std::string& out, std::uint32_t value) {
  char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                   static_cast<char>(value >> 8), static_cast<char>(value)};
  out.append(bytes, sizeof(bytes));
}

// PostgreSQL's binary array format (array_send): header, one dimension, then each element
// as a length (-1: NULL) and its bytes.
std::string EncodeArray(Oid element_type,
                        const std::vector<std::optional<std::string_view>>& items) {
  std::string out;
  bool has_null = false;
  std::size_t bytes = 20;
  for (const auto& item : items) {
    has_null = has_null || !item;
    bytes += 4 + (item ? item->size() : 0);
  }
  out.reserve(bytes);
  AppendInt32(out, items.empty() ? 0 : 1);
  AppendInt32(out, has_null ? 1 : 0);
  AppendInt32(out, element_type);
  if (items.empty()) return out;
  AppendInt32(out, static_cast<std::uint32_t>(items.size()));
  AppendInt32(out, 1);  // lower bound
  for (const auto& item : items) {
    if (!item) {
      AppendInt32(out, 0xFFFFFFFFu);
      continue;
    }
    AppendInt32(out, static_cast<std::uint32_t>(item->size()));
    out.append(item->data(), item->size());
  }
  return out;
}

}  // namespace

std::string Trimmed(const char* message) {
  // libpq writes hints on lines of their own ("...refused\n\tIs the server running..."): one
  // log line, one JSON string.
  std::string text;
  for (const char* c = message == nullptr ? "" : message; *c != '\0'; ++c) {
    bool space = *c == '\n' || *c == '\t' || *c == '\r' || *c == ' ';
    if (space && (text.empty() || text.back() == ' ')) continue;
    text.push_back(space ? ' ' : *c);
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::int64_t PgResult::Int64(int row, int column) const {
  std::string_view bytes = Bytes(row, column);
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return static_cast<std::int64_t>(value);
}

PgParam Text(std::string_view value) { return PgParam{value, false, 0}; }
PgParam Null() { return PgParam{std::nullopt, false, 0}; }
PgParam Bytea(std::string_view value) { return PgParam{value, true, kByteaOid}; }

PgParam Int8(std::int64_t value, std::string& storage) {
  storage.clear();
  AppendInt32(storage, static_cast<std::uint32_t>(static_cast<std::uint64_t>(value) >> 32));
  AppendInt32(storage, static_cast<std::uint32_t>(value));
  return PgParam{std::string_view(storage), true, kInt8Oid};
}

PgParam TextArray(const std::vector<std::string_view>& items, std::string& storage) {
  std::vector<std::optional<std::string_view>> all(items.begin(), items.end());
  storage = EncodeArray(kTextOid, all);
  return PgParam{std::string_view(storage), true, kTextArrayOid};
}

PgParam ByteaArray(const std::vector<std::optional<std::string_view>>& items,
                   std::string& storage) {
  storage = EncodeArray(kByteaOid, items);
  return PgParam{std::string_view(storage), true, kByteaArrayOid};
}

PgConnection::PgConnection(const std::string& conninfo, std::chrono::seconds connect_timeout) {
  // Defaults come first so that the same keywords in `conninfo` win (later ones override).
  // TCP keepalives and tcp_user_timeout turn a database host that vanished without closing
  // the connection (a partition, a powered-off machine) into an error within seconds, rather
  // than a statement that waits forever.
  std::string timeout = std::to_string(connect_timeout.count());
  const std::pair<const char*, const char*> settings[] = {
      {"connect_timeout", timeout.c_str()},
      {"application_name", "spawner-registry"},
      {"keepalives", "1"},
      {"keepalives_idle", "5"},
      {"keepalives_interval", "2"},
      {"keepalives_count", "3"},
      {"tcp_user_timeout", "10000"},
      {"dbname", conninfo.c_str()},  // expanded: a URI or key=value string
  };
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : settings) {
    keywords.push_back(keyword);
    values.push_back(value);
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keywords.data(), values.data(), 1));
  if (conn_ == nullptr) throw PgError("out of memory connecting to PostgreSQL", "", true);
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw PgError(Trimmed(PQerrorMessage(conn_.get())), "", true);
  }
  // NOTICEs ("relation already exists, skipping") would go to stderr, outside the host's log.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

PgResult PgConnection::Query(const char* sql, const std::vector<PgParam>& params) {
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const PgParam& param : params) {
    types.push_back(param.type);
    values.push_back(param.value ? param.value->data() : nullptr);
    lengths.push_back(param.value ? static_cast<int>(param.value->size()) : 0);
    formats.push_back(param.binary ? 1 : 0);
  }
  // Text parameters must be NUL-terminated: copy the ones that are views into larger text.
  std::vector<std::string> text_copies;
  text_copies.reserve(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i].value && !params[i].binary) {
      text_copies.emplace_back(*params[i].value);
      values[i] = text_copies.back().c_str();
    }
  }
  return Check(PQexecParams(conn_.get(), sql, static_cast<int>(params.size()), types.data(),
                            values.data(), lengths.data(), formats.data(), 1));
}

void PgConnection::Exec(const char* sql) { Check(PQexec(conn_.get(), sql)); }

PgResult PgConnection::Check(PGresult* raw_result) {
  std::unique_ptr<PGresult, ResultDeleter> result(raw_result);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(std::move(result));
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state == nullptr ? "" : state;
  // Class 08 (connection exception) and 57P0x (the server shuts down) mean the connection is
  // gone even while libpq still reports it as open.
  bool lost = PQstatus(conn_.get()) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
              sqlstate.rfind("57P0", 0) == 0;
  std::string message =
      result ? Trimmed(PQresultErrorMessage(result.get())) : Trimmed(PQerrorMessage(conn_.get()));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_.get()));
  throw PgError(message, sqlstate, lost);
}

}  // namespace sr::postgres_store
