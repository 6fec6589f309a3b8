// What the registry needs from the outside world, as interfaces: the plugin implements them
// over the host (events, clock) and the kv-store service; tests implement them in memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

// Durable storage of spawners and of the id counter, in two tables.
class RegistryStore {
 public:
  enum class Table { kSpawners, kMeta };

  struct Write {
    enum class Kind { kPut, kDelete };
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
};

}  // namespace sr::spawner_registry
