#include "store_health.h"

namespace sr::postgres_store {

void StoreHealth::Ok() {
  std::lock_guard<std::mutex> notify(notify_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (healthy_) return;
    healthy_ = true;
  }
  if (on_change_) on_change_(true, {});
}

void StoreHealth::Fail(const std::string& error) {
  std::lock_guard<std::mutex> notify(notify_mutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_error_ = error;
    if (!healthy_) return;
    healthy_ = false;
  }
  if (on_change_) on_change_(false, error);
}

void StoreHealth::NoteError(const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_error_ = error;
}

bool StoreHealth::healthy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return healthy_;
}

std::string StoreHealth::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

}  // namespace sr::postgres_store
