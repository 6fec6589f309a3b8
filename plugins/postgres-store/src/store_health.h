#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace sr::postgres_store {

// Whether the database answers, shared by every connection of the store. `on_change` runs
// on the thread that saw the transition (the plugin reports it to /health); not under a lock
// the store needs, so it may call into the host.
class StoreHealth {
 public:
  using Listener = std::function<void(bool healthy, const std::string& error)>;
  explicit StoreHealth(Listener on_change = {}) : on_change_(std::move(on_change)) {}

  void Ok();
  void Fail(const std::string& error);
  // Records a failure of one statement without declaring the database down.
  void NoteError(const std::string& error);

  bool healthy() const;
  std::string last_error() const;

 private:
  mutable std::mutex mutex_;
  bool healthy_ = true;
  std::string last_error_;
  Listener on_change_;
  std::mutex notify_mutex_;  // transitions reach the listener one at a time, in order
};

}  // namespace sr::postgres_store
