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
  if (listener_) listener_(true, std::string());
}

void StoreHealth::RecordFailure(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool changed = last_error_ != message;
  last_error_ = message;
  bool was_healthy = healthy_.exchange(false);
  if (was_healthy) {
    Log(LogLevel::kError, "writes are failing: " + message + "; reads keep working");
  }
  // Under the lock, so that the listener sees transitions in the order they happened.
  if (listener_ && (was_healthy || changed)) listener_(false, message);
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
