#include "host_heartbeat.h"

namespace sr::postgres_store {
namespace {

constexpr const char* kPurgeLease = "postgres-store-purge";
constexpr std::chrono::minutes kPurgeInterval{1};

constexpr const char* kUpsertSql =
    "INSERT INTO sr_hosts (name, address, version, started_at, last_seen, leases) "
    "VALUES ($1, $2, $3, now(), now(), $4) ON CONFLICT (name) DO UPDATE SET "
    "address = EXCLUDED.address, version = EXCLUDED.version, last_seen = now(), "
    "leases = EXCLUDED.leases, "
    "started_at = CASE WHEN $5 THEN now() ELSE sr_hosts.started_at END";
constexpr const char* kHostsSql =
    "SELECT name, address, version, "
    "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "last_seen > now() - interval '5 seconds', "
    // A silent master's advisory locks went with its connection: its row's leases are stale.
    "CASE WHEN last_seen > now() - interval '5 seconds' THEN array_to_string(leases, ',') "
    "ELSE '' END "
    "FROM sr_hosts ORDER BY name";

std::vector<std::string> SplitLeases(std::string_view text) {
  std::vector<std::string> leases;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    leases.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return leases;
}

}  // namespace

HostHeartbeat::HostHeartbeat(const StoreOptions& options, StoreHealth& health, LeaseKeeper& leases)
    : slot_(options.conninfo, health),
      health_(health),
      leases_(leases),
      options_(options),
      next_purge_(std::chrono::steady_clock::now() + kPurgeInterval),
      thread_([this] { Run(); }) {}

HostHeartbeat::~HostHeartbeat() { Stop(); }

std::vector<HostRow> HostHeartbeat::Hosts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hosts_;
}

void HostHeartbeat::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  try {
    slot_.Run([this](PgConnection& conn) {
      conn.Query("DELETE FROM sr_hosts WHERE name = $1", {Text(options_.host_name)});
    });
  } catch (const PgError&) {
    // The database is gone: the row ages out and shows this master as unhealthy.
  }
}

void HostHeartbeat::Run() {
  for (;;) {
    try {
      slot_.Run([this](PgConnection& conn) {
        Beat(conn);
        if (std::chrono::steady_clock::now() >= next_purge_) {
          next_purge_ = std::chrono::steady_clock::now() + kPurgeInterval;
          if (leases_.Lead(kPurgeLease)) Purge(conn);
        }
      });
      health_.Ok();
    } catch (const PgError& e) {
      if (e.connection_lost()) {
        health_.Fail(e.what());
      } else {
        health_.NoteError(e.what());
      }
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, options_.heartbeat_interval, [this] { return stopping_; })) return;
  }
}

void HostHeartbeat::Beat(PgConnection& conn) {
  std::vector<std::string> held = leases_.Held();
  std::vector<std::string_view> held_views(held.begin(), held.end());
  std::string leases_array;
  conn.Query(kUpsertSql, {Text(options_.host_name), Text(options_.address), Text(options_.version),
                          TextArray(held_views, leases_array), Text(started_ ? "false" : "true")});
  started_ = true;
  PgResult rows = conn.Query(kHostsSql);
  std::vector<HostRow> hosts;
  for (int row = 0; row < rows.rows(); ++row) {
    HostRow host;
    host.name = std::string(rows.Bytes(row, 0));
    host.address = std::string(rows.Bytes(row, 1));
    host.version = std::string(rows.Bytes(row, 2));
    host.started_at = std::string(rows.Bytes(row, 3));
    host.last_seen = std::string(rows.Bytes(row, 4));
    host.healthy = rows.Bool(row, 5);
    host.leases = SplitLeases(rows.Bytes(row, 6));
    hosts.push_back(std::move(host));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  hosts_ = std::move(hosts);
}

void HostHeartbeat::Purge(PgConnection& conn) {
  conn.Exec(
      "DELETE FROM sr_kv WHERE value IS NULL AND changed_at < now() - interval '24 hours';"
      "DELETE FROM sr_hosts WHERE last_seen < now() - interval '24 hours'");
}

}  // namespace sr::postgres_store
