// In-memory stand-ins for what the registry needs from the outside world.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "registry_ports.h"

namespace sr::spawner_registry::testing {

class FakeClock final : public RegistryClock {
 public:
  FakeClock() = default;
  // Masters started at different moments: the same wall clock, their own steady clocks.
  explicit FakeClock(std::int64_t steady_ms) : steady_ms_(steady_ms) {}
  std::int64_t WallMs() const override { return wall_ms_.load(); }
  std::int64_t SteadyMs() const override { return steady_ms_.load(); }
  void Advance(std::int64_t ms) {
    wall_ms_ += ms;
    steady_ms_ += ms;
  }

 private:
  std::atomic<std::int64_t> wall_ms_{1764104471123};  // 2025-11-25T21:01:11.123Z
  std::atomic<std::int64_t> steady_ms_{1000000};
};

class RecordingEvents final : public EventSink {
 public:
  void Publish(std::string_view topic, std::string json) override {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.emplace_back(std::string(topic), std::move(json));
  }
  std::vector<std::pair<std::string, std::string>> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(events_, {});
  }
  std::size_t Count(std::string_view topic) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t count = 0;
    for (const auto& event : events_) count += event.first == topic ? 1 : 0;
    return count;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> events_;
};

// Two ordered maps. Batches commit at once, or wait for Release() when held, and fail while
// `failing` is set, like a full disk.
class FakeStore final : public RegistryStore {
 public:
  void Scan(Table table, const RowVisitor& visit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, value] : tables_[static_cast<int>(table)]) visit(key, value);
  }

  void Commit(std::vector<Write> writes, Done done) override {
    std::unique_lock<std::mutex> lock(mutex_);
    ++commits_;
    if (holding_) {
      held_.emplace_back(std::move(writes), std::move(done));
      return;
    }
    lock.unlock();
    Apply(std::move(writes), done);
  }

  // Queues later batches instead of committing them.
  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    holding_ = true;
  }
  // Commits the held batches in order and stops holding.
  void Release() {
    std::deque<std::pair<std::vector<Write>, Done>> held;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      holding_ = false;
      held.swap(held_);
    }
    for (auto& [writes, done] : held) Apply(std::move(writes), done);
  }

  void set_failing(bool failing) { failing_ = failing; }
  int commits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return commits_;
  }
  std::map<std::string, std::string> table(Table table) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return tables_[static_cast<int>(table)];
  }
  void Put(Table table, std::string key, std::string value) {
    std::lock_guard<std::mutex> lock(mutex_);
    tables_[static_cast<int>(table)][std::move(key)] = std::move(value);
  }

 private:
  void Apply(std::vector<Write> writes, const Done& done) {
    if (failing_) {
      done(false, "database or disk is full");
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (Write& write : writes) {
        auto& rows = tables_[static_cast<int>(write.table)];
        if (write.kind == Write::Kind::kPut) {
          rows[write.key] = std::move(write.value);
        } else {
          rows.erase(write.key);
        }
      }
    }
    done(true, {});
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::string> tables_[2];
  std::deque<std::pair<std::vector<Write>, Done>> held_;
  bool holding_ = false;
  std::atomic<bool> failing_{false};
  int commits_ = 0;
};

}  // namespace sr::spawner_registry::testing
