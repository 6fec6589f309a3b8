#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "store_types.h"

namespace sr::sqlite_store {

// Whether the last write succeeded, and why it did not. Logs once per change of state, not
// once per failed write, so that a full disk does not flood the log; tells `listener` the
// same transitions (and a new reason while failing), for the host's /health.
class StoreHealth {
 public:
  using Listener = std::function<void(bool healthy, const std::string& reason)>;

  explicit StoreHealth(StoreLogger logger, Listener listener = {})
      : logger_(std::move(logger)), listener_(std::move(listener)) {}

  bool healthy() const { return healthy_.load(std::memory_order_acquire); }
  std::string last_error() const;

  void RecordSuccess();
  void RecordFailure(const std::string& message);
  // The store was closed: no more writes.
  void RecordClosed();

 private:
  void Log(LogLevel level, const std::string& message) const;

  StoreLogger logger_;
  Listener listener_;
  std::atomic<bool> healthy_{true};
  mutable std::mutex mutex_;  // guards last_error_ and the transitions
  std::string last_error_;
};

}  // namespace sr::sqlite_store
