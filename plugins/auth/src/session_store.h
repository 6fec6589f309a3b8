// Server-side dashboard sessions. The browser holds a random 256-bit token; the server keeps
// only its digest, so a leaked store cannot be replayed as cookies. Sessions live in memory
// (guards read them on I/O threads) and are written through to the key-value store, so they
// survive a restart when the store is durable.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "key_value_store.h"

namespace sr::auth {

struct Session {
  std::string id_hash;  // hex digest of the cookie token
  std::uint64_t user_id = 0;
  std::uint64_t user_generation = 0;  // the user's generation when the session began
  std::string csrf_token;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
};

// The non-secret id of a session as other plugins see it (attribute "session", event
// "auth.session_ended"): the first 16 bytes of the token's digest, 32 lowercase hex digits.
// Stable for the session's life; it cannot be turned back into the cookie.
std::string SessionIdOf(const Session& session);

struct SessionLimits {
  std::int64_t idle_timeout_ms = 30 * 60'000;
  std::int64_t lifetime_ms = 12 * 60 * 60'000;
  std::size_t max_per_user = 20;  // the oldest session goes when a user opens one more
};

class SessionStore {
 public:
  static constexpr std::string_view kSpace = "auth_sessions";

  SessionStore(KeyValueStore& store, SessionLimits limits);

  // Reads the stored sessions, deleting expired ones. Throws StoreError.
  void Load(std::int64_t now_ms);

  struct Issued {
    std::string token;  // goes into the cookie; never stored
    Session session;
  };
  // Starts a session, written to the store before it is returned. Throws StoreError.
  Issued Create(std::uint64_t user_id, std::uint64_t user_generation, std::int64_t now_ms);

  // The live session for `token`, its idle timer restarted; nullopt if unknown or expired.
  // Never blocks: the new last-seen time reaches the store with the next Flush.
  std::optional<Session> Touch(std::string_view token, std::int64_t now_ms);
  // The same without restarting the idle timer.
  std::optional<Session> Peek(std::string_view token, std::int64_t now_ms);

  // End sessions. They are gone from memory at once; the store follows (a failed store
  // write is retried by the next Flush). Return the sessions that ended.
  std::optional<Session> Remove(std::string_view token);
  std::vector<Session> RemoveForUser(std::uint64_t user_id);
  // The live sessions of a user.
  std::vector<Session> ForUser(std::uint64_t user_id, std::int64_t now_ms) const;

  // Ends the sessions whose idle timeout or lifetime has passed, and returns them together with
  // the ones that ended on their own since the last call (found expired on use or by Flush, or
  // evicted by max_per_user). Cheap when nothing is due: it keeps a lower bound of the next
  // expiry (a session's expiry only moves later) and scans only once that bound has passed.
  std::vector<Session> TakeEnded(std::int64_t now_ms);

  // Writes pending last-seen times and deletions, and expires idle sessions. Throws
  // StoreError (and keeps the pending work for the next call).
  void Flush(std::int64_t now_ms);

  std::size_t size() const;
  const SessionLimits& limits() const { return limits_; }

  static std::string HashToken(std::string_view token);

 private:
  bool Expired(const Session& session, std::int64_t now_ms) const;
  std::int64_t ExpiryOf(const Session& session) const;
  std::optional<Session> Find(std::string_view token, std::int64_t now_ms, bool touch);
  void WriteDeletions(std::vector<std::string> id_hashes);  // with persist_mutex_ held

  KeyValueStore& store_;
  SessionLimits limits_;
  // Orders store writes: a deletion can never be overtaken by a stale write of the same
  // session, which would bring a logged-out session back after a restart.
  std::mutex persist_mutex_;
  mutable std::mutex mutex_;                           // guards the members below
  std::unordered_map<std::string, Session> sessions_;  // by id_hash
  std::unordered_set<std::string> dirty_;              // last-seen not yet stored
  std::vector<std::string> pending_deletions_;         // gone from memory, not from store
  std::vector<Session> ended_;                         // ended on their own, not yet taken
  std::int64_t next_expiry_ms_ = INT64_MAX;            // no session expires before this
};

}  // namespace sr::auth
