#include "store_health.h"

namespace sr::sqlite_store {

std::string StoreHealth::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

void StoreHealth::RecordSuccess() {
  if (healthy()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (healthy_.exchange(true)) return;
  Log(LogLevel::kInfo, "writes succeed again (after: " + last_error_ + ")");
}

void StoreHealth::RecordFailure(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = message;
  if (healthy_.exchange(false)) {
    Log(LogLevel::kError, "writes are failing: " + message + "; reads keep working");
  }
}

void StoreHealth::RecordClosed() {
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = "the store is closed";
  healthy_.store(false);
}

void StoreHealth::Log(LogLevel level, const std::string& message) const {
  if (logger_) logger_(level, message);
}

}  // namespace sr::sqlite_store
