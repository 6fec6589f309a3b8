#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace sr::sqlite_store {

enum class SyncMode { kNormal, kFull };

struct StoreOptions {
  std::string path;  // ":memory:" for a private in-memory database (tests)
  // kFull syncs the WAL on every commit (survives power loss); kNormal survives a crash of the
  // process but may lose the last commits on power loss.
  SyncMode synchronous = SyncMode::kFull;
  std::chrono::milliseconds busy_timeout{5000};
  int read_connections = 2;
  // Page cache per connection.
  std::int64_t cache_bytes = 1 << 20;
  // Largest database file; writes beyond fail as "database or disk is full". 0: no limit.
  std::uint64_t max_size_bytes = 0;
  // Upper bound on batches waiting for the writer; more are refused as unavailable.
  std::size_t max_pending_batches = 100000;
  // Upper bound on operations committed in one transaction (group commit).
  std::size_t max_ops_per_commit = 20000;
  // Told how long each group commit took, on the writer thread (for a metric); may be empty.
  std::function<void(std::chrono::duration<double> took)> on_commit;
  // Told when writes start failing (`healthy` false, with why, and again when the reason
  // changes) and when a write succeeds again (true, ""), on the writer thread; may be empty.
  // The plugin reports it as its health (ABI 1.4, GET /health).
  std::function<void(bool healthy, const std::string& reason)> on_health;
};

}  // namespace sr::sqlite_store
