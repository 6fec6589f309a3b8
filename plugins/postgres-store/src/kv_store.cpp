#include "kv_store.h"

#include <future>

#include <sr/services/kv_store_provider.hpp>

#include "schema.h"

namespace sr::postgres_store {
namespace {

// Rows per round trip of a scan: bounds the memory of one page (values may be large).
constexpr std::uint32_t kScanPage = 256;
// Start-up waits this long for the database (another master may hold the schema lock).
constexpr std::chrono::seconds kOpenTimeout{10};

constexpr const char* kScanForwardSql =
    "SELECT key, value FROM sr_kv WHERE ns = $1 AND key >= $2 AND ($3::bytea IS NULL OR key < $3) "
    "AND value IS NOT NULL ORDER BY key LIMIT $4";
constexpr const char* kScanReverseSql =
    "SELECT key, value FROM sr_kv WHERE ns = $1 AND key >= $2 AND ($3::bytea IS NULL OR key < $3) "
    "AND value IS NOT NULL ORDER BY key DESC LIMIT $4";

}  // namespace

KvStore::KvStore(StoreOptions options) : options_(std::move(options)), health_(options_.on_health) {
  try {
    PgConnection conn(options_.conninfo, kOpenTimeout);
    CreateSchema(conn);
  } catch (const PgError& e) {
    throw StoreOpenError(std::string("cannot open the database: ").append(e.what()));
  }
  readers_ = std::make_unique<ReaderPool>(options_.conninfo, options_.readers, health_);
  leases_ = std::make_unique<LeaseKeeper>(options_.conninfo, health_);
  bool claimed = false;
  try {
    claimed = leases_->ClaimHostName(options_.host_name);
  } catch (const PgError& e) {
    throw StoreOpenError(std::string("cannot open the database: ").append(e.what()));
  }
  if (!claimed) {
    throw StoreOpenError(std::string("another master named '")
                             .append(options_.host_name)
                             .append("' is connected to this database: host_name must be "
                                     "unique among the masters"));
  }
  writer_ = std::make_unique<GroupCommitWriter>(options_, health_);
  changes_ = std::make_unique<ChangeFeed>(options_, health_);
  heartbeat_ = std::make_unique<HostHeartbeat>(options_, health_, *leases_);
}

KvStore::~KvStore() { Close(); }

void KvStore::Close() {
  writer_->Stop();
  changes_->Stop();
  heartbeat_->Stop();
}

KvStatus KvStore::Failed(const PgError& error) {
  if (error.connection_lost()) return KvStatus::kUnavailable;
  health_.NoteError(error.what());
  return KvStatus::kInternal;
}

KvStatus KvStore::Get(std::string_view ns, std::string_view key, const KvRowVisitor& visit) {
  try {
    return readers_->With([&](PgConnection& conn) {
      PgResult rows =
          conn.Query("SELECT value FROM sr_kv WHERE ns = $1 AND key = $2 AND value IS NOT NULL",
                     {Text(ns), Bytea(key)});
      if (rows.rows() == 0) return KvStatus::kNotFound;
      visit(key, rows.Bytes(0, 0));
      return KvStatus::kOk;
    });
  } catch (const PgError& e) {
    return Failed(e);
  }
}

KvStatus KvStore::Scan(std::string_view ns, std::string_view start, std::string_view end,
                       std::uint32_t limit, bool reverse, const KvRowVisitor& visit) {
  std::string lower(start);
  std::string upper(end);
  bool bounded_above = !end.empty();
  std::uint64_t remaining = limit == 0 ? UINT64_MAX : limit;
  try {
    while (remaining > 0) {
      std::uint32_t page =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(remaining, kScanPage));
      // Rows are copied out of the page before visiting, so that a visitor that reads the store
      // again does not wait for the connection this scan holds.
      std::vector<std::pair<std::string, std::string>> rows;
      readers_->With([&](PgConnection& conn) {
        std::string page_bytes;
        PgResult result = conn.Query(reverse ? kScanReverseSql : kScanForwardSql,
                                     {Text(ns), Bytea(lower), bounded_above ? Bytea(upper) : Null(),
                                      Int8(page, page_bytes)});
        rows.clear();
        for (int row = 0; row < result.rows(); ++row) {
          rows.emplace_back(result.Bytes(row, 0), result.Bytes(row, 1));
        }
      });
      for (const auto& [key, value] : rows) {
        if (!visit(key, value)) return KvStatus::kOk;
      }
      remaining -= rows.size();
      if (rows.size() < page) break;
      // The next page starts just after the last key seen: in byte order the smallest key
      // above k is k + "\0".
      if (reverse) {
        upper = rows.back().first;
        bounded_above = true;
      } else {
        lower = rows.back().first;
        lower.push_back('\0');
      }
    }
    return KvStatus::kOk;
  } catch (const PgError& e) {
    return Failed(e);
  }
}

KvStatus KvStore::Count(std::string_view ns, std::uint64_t& out) {
  try {
    return readers_->With([&](PgConnection& conn) {
      PgResult rows =
          conn.Query("SELECT count(*) FROM sr_kv WHERE ns = $1 AND value IS NOT NULL", {Text(ns)});
      out = static_cast<std::uint64_t>(rows.Int64(0, 0));
      return KvStatus::kOk;
    });
  } catch (const PgError& e) {
    return Failed(e);
  }
}

KvWriteOutcome KvStore::Write(std::vector<KvWriteOp> ops) {
  std::promise<KvWriteOutcome> committed;
  std::future<KvWriteOutcome> outcome = committed.get_future();
  KvWriteOutcome queued = writer_->Submit(
      std::move(ops), [&committed](const KvWriteOutcome& result) { committed.set_value(result); });
  if (!queued.ok()) return queued;
  return outcome.get();
}

KvWriteOutcome KvStore::WriteAsync(std::vector<KvWriteOp> ops, KvWriteCallback done) {
  return writer_->Submit(std::move(ops), std::move(done));
}

KvStatus KvStore::NextId(std::string_view name, std::uint64_t& out) {
  // Sequence names become part of an SQL identifier: [a-z0-9_] only.
  if (!sr::IsValidKvName(name, false)) return KvStatus::kInvalidArgument;
  std::string sequence = SequenceName(name);
  std::string next_sql = std::string("SELECT nextval('").append(sequence).append("')");
  try {
    return readers_->With([&](PgConnection& conn) {
      for (int attempt = 0;; ++attempt) {
        try {
          out = static_cast<std::uint64_t>(conn.Query(next_sql.c_str()).Int64(0, 0));
          return KvStatus::kOk;
        } catch (const PgError& e) {
          // 42P01: the sequence does not exist yet.
          if (e.connection_lost() || e.sqlstate() != "42P01" || attempt > 0) throw;
        }
        CreateSequence(conn, sequence);
      }
    });
  } catch (const PgError& e) {
    return Failed(e);
  }
}

KvStatus KvStore::Watch(std::string_view ns, KvChangeVisitor visit, std::uint64_t& handle) {
  try {
    // Changes committed after this point are reported: rows of a transaction that holds the
    // revision lock now get revisions above what is visible here.
    std::int64_t after = readers_->With([&](PgConnection& conn) {
      return conn.Query("SELECT coalesce(max(rev), 0)::bigint FROM sr_kv WHERE ns = $1", {Text(ns)})
          .Int64(0, 0);
    });
    handle = changes_->Watch(std::string(ns), after, std::move(visit));
    return KvStatus::kOk;
  } catch (const PgError& e) {
    return Failed(e);
  }
}

void KvStore::Unwatch(std::uint64_t handle) { changes_->Unwatch(handle); }

bool KvStore::Lead(std::string_view name) { return leases_->Lead(name); }

ClusterView KvStore::Cluster() const {
  ClusterView view;
  view.this_host = options_.host_name;
  view.database_healthy = health_.healthy();
  if (!view.database_healthy) view.database_error = health_.last_error();
  view.hosts = heartbeat_->Hosts();
  return view;
}

}  // namespace sr::postgres_store
