// What the registry needs from the outside world, as interfaces: the plugin implements them
// over the host (events, clock) and the kv-store service; tests implement them in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sr::spawner_registry {

class RegistryClock {
 public:
  virtual ~RegistryClock() = default;
  // Unix epoch, milliseconds: what last_seen reports.
  virtual std::int64_t WallMs() const = 0;
  // Monotonic milliseconds: what liveness is measured with, immune to clock changes.
  virtual std::int64_t SteadyMs() const = 0;
};

class SystemClock final : public RegistryClock {
 public:
  std::int64_t WallMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t SteadyMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // `json` is the payload. Must not block.
  virtual void Publish(std::string_view topic, std::string json) = 0;
};

// Durable storage of spawners and of the id counter, in two tables. A clustered store is
// shared by several masters (see "Cluster mode" in registry.h); the functions after Commit
// serve only that mode, and their defaults are a single master's answers.
class RegistryStore {
 public:
  enum class Table { kSpawners, kMeta };

  struct Write {
    // kUpdate (clustered stores only) writes the row only if it still exists at the commit,
    // so that a late write-behind never brings back a spawner another master deleted.
    enum class Kind { kPut, kDelete, kUpdate };
    Table table = Table::kSpawners;
    Kind kind = Kind::kPut;
    std::string key;
    std::string value;
  };

  // ok, or why the batch was not committed.
  using Done = std::function<void(bool ok, const std::string& error)>;
  using RowVisitor = std::function<void(std::string_view key, std::string_view value)>;

  virtual ~RegistryStore() = default;

  // Visits every row of a table in key order. Throws std::runtime_error on failure.
  virtual void Scan(Table table, const RowVisitor& visit) = 0;
  // Queues `writes` as one atomic batch and returns without waiting for I/O. `done` runs
  // exactly once, after the commit, on any thread (possibly before Commit returns).
  virtual void Commit(std::vector<Write> writes, Done done) = 0;

  // What another master changed in the spawners table: the row's new value, or `deleted`.
  using ChangeVisitor =
      std::function<void(std::string_view key, std::string_view value, bool deleted)>;
  // A watch of the other masters' changes; ends (waiting for a call in progress) when
  // destroyed.
  class Watch {
   public:
    virtual ~Watch() = default;
  };

  // True when other masters may share the store.
  virtual bool clustered() const { return false; }
  // The next cluster-wide spawner id, never handed out before by any master. Clustered
  // stores only. Throws std::runtime_error when the store cannot answer.
  virtual std::uint64_t NextSpawnerId() {
    throw std::logic_error("spawner ids come from the cluster only with a clustered store");
  }
  // Calls `visit` (on the store's thread, in commit order) with every change another master
  // makes to the spawners table from now on. Null when no other master can exist.
  virtual std::unique_ptr<Watch> WatchSpawners(ChangeVisitor visit) {
    static_cast<void>(visit);
    return nullptr;
  }
  // The stored record of the spawner `key`, nullopt when there is none. Clustered stores
  // only (a single master has every record in memory). Throws std::runtime_error when the
  // store cannot answer.
  virtual std::optional<std::string> ReadSpawner(std::string_view key) {
    static_cast<void>(key);
    return std::nullopt;
  }
  // True when this master should do the cluster's once-only work `lease` now (always for a
  // single master).
  virtual bool Lead(std::string_view lease) {
    static_cast<void>(lease);
    return true;
  }
};

}  // namespace sr::spawner_registry
