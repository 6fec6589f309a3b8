#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sr/plugin.hpp>

namespace sr::dashboard {

// The open /events streams by the session they were opened under, so that the end of a
// session (auth's `auth.session_ended`: logout, expiry, disable, delete, role or password
// change) closes them at once; the browser reconnects and the session guard decides again.
// Thread-safe: streams are added on I/O threads, sessions end on the event thread and
// pruning runs on a worker.
class SessionStreams {
 public:
  // Keeps `stream` under `session`. A session that already ended (its event overtook this
  // request between the guard and here) gets its stream closed at once.
  void Add(const std::string& session, sr::Stream stream);
  // Closes and forgets every stream of `session`; returns how many were still open.
  std::size_t EndSession(std::string_view session);
  // Forgets streams whose client has left: each is probed with an empty event, which an
  // EventSource never dispatches. Returns how many were forgotten.
  std::size_t Prune();
  // Streams kept (open or not yet pruned).
  std::size_t size() const;

 private:
  void RememberEnded(const std::string& session);

  // Sessions recently ended, bounded: enough to catch a request racing with its session's end.
  static constexpr std::size_t kRememberedEnds = 4096;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<sr::Stream>> by_session_;
  std::size_t count_ = 0;
  std::deque<std::string> ended_order_;
  std::set<std::string, std::less<>> ended_;
};

}  // namespace sr::dashboard
