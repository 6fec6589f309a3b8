// Server-side dashboard sessions. The browser holds a random 256-bit token; the server keeps
// only its digest, so a leaked store cannot be replayed as cookies. Sessions live in memory
// (guards read them on I/O threads) and are written through to the key-value store, so they
// survive a restart when the store is durable.
//
// When the store is clustered (several masters over one database) a session made on another
// master is read from the store on a miss, and the owner feeds the other masters' changes to
// ApplyRemote: a deletion there (logout, eviction) ends the session here at once, a stored
// last-seen time moves the idle timer here too. A cookie the store does not know is
// remembered for kMissTtlMs (sr::NegativeCache), so that a client repeating it costs one
// database read, not one per request; a put of that session (ours, or delivered by the watch)
// ends the memory at once.
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

#include <sr/negative_cache.hpp>
#include <sr/read_budget.hpp>

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
  // Clustered stores: how long, and for how many cookies at most, the store's "no such
  // session" is believed without asking again. A cookie is known to its browser only after
  // its session was stored, so a real session never meets a miss of its own.
  static constexpr std::int64_t kMissTtlMs = 2'000;
  static constexpr std::size_t kMissCapacity = 4'096;
  // Clustered stores: store reads a second at most for cookies unknown here, in bursts of
  // kReadBurst, so that a flood of distinct forged cookies (which the misses cannot spare)
  // costs the database little; past that a cookie unknown here is answered as unknown. Only
  // a session made on another master within the last second or so needs a read at all.
  static constexpr std::uint32_t kReadsPerSecond = 100;
  static constexpr std::uint32_t kReadBurst = 200;

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
  // The new last-seen time reaches the store with the next Flush. Reads only memory, except
  // with a clustered store when the session is not (or no longer) live here: then one read
  // of the store (a store failure counts as unknown), unless the store lacked it less than
  // kMissTtlMs ago or the read budget (kReadsPerSecond) is spent.
  std::optional<Session> Touch(std::string_view token, std::int64_t now_ms);
  // The same without restarting the idle timer.
  std::optional<Session> Peek(std::string_view token, std::int64_t now_ms);

  // End sessions. They are gone from memory at once; the store follows (a failed store
  // write is retried by the next Flush). Return the sessions that ended (here). With a
  // clustered store they are deleted from the store even when only other masters held them.
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
  // How often the owner should call Flush: a quarter of the idle timeout, between 100 ms and
  // 10 s, so that activity reaches the store (and the other masters) well before expiry.
  std::int64_t FlushPeriodMs() const;

  // A change another master made to kSpace: a deleted session ends here too (returned, to be
  // announced); a stored last-seen time later than ours restarts our idle timer. Sessions this
  // master does not hold are left to the read-through on their first use (a put ends a
  // remembered miss of the session). Never blocks.
  std::optional<Session> ApplyRemote(std::string_view id_hash, std::string_view value,
                                     bool deleted);
  // Forgets the user's sessions in memory only: another master changed the user and deletes
  // them from the store itself. Returns them.
  std::vector<Session> DropForUser(std::uint64_t user_id);

  std::size_t size() const;
  const SessionLimits& limits() const { return limits_; }

  static std::string HashToken(std::string_view token);

 private:
  bool Expired(const Session& session, std::int64_t now_ms) const;
  std::int64_t ExpiryOf(const Session& session) const;
  std::optional<Session> Find(std::string_view token, std::int64_t now_ms, bool touch);
  void WriteDeletions(std::vector<std::string> id_hashes);  // with persist_mutex_ held
  void QueueExpired(const std::string& id_hash);            // with mutex_ held
  // Installs the stored copy of a session when it is live (clustered stores only): one made
  // on another master, or one kept alive there. A store failure leaves memory as it is; a
  // session the store lacks is remembered in misses_ and not read again for a while.
  void ReadThrough(const std::string& id_hash, std::int64_t now_ms);
  // After deleting sessions from a clustered store: forgets them again, in case a concurrent
  // read-through installed a copy it read just before the deletion committed.
  void ForgetDeleted(const std::vector<std::string>& id_hashes);
  // Deletes the expired sessions in pending_expiries_ whose stored copy expired too, at least
  // the grace ago (clustered stores only; with persist_mutex_ held).
  void SettleExpiries(std::int64_t now_ms);
  // How long a clustered store keeps a session this master saw expire: another master may
  // have used it and not yet flushed its last-seen time.
  std::int64_t ClusterGraceMs() const;

  KeyValueStore& store_;
  SessionLimits limits_;
  // Orders store writes: a deletion can never be overtaken by a stale write of the same
  // session, which would bring a logged-out session back after a restart.
  std::mutex persist_mutex_;
  // Held by Load across its read and by ApplyRemote: a change another master makes while we
  // read is applied on top of what was read, never overwritten by it.
  std::mutex load_mutex_;
  mutable std::mutex mutex_;                           // guards the members below
  std::unordered_map<std::string, Session> sessions_;  // by id_hash
  std::unordered_set<std::string> dirty_;              // last-seen not yet stored
  std::vector<std::string> pending_deletions_;         // gone from memory, not from store
  std::vector<Session> ended_;                         // ended on their own, not yet taken
  std::int64_t next_expiry_ms_ = INT64_MAX;            // no session expires before this
  // Clustered only: expired here, deleted from the store once expired there too.
  std::vector<std::string> pending_expiries_;
  // Clustered only: counts deletions (ours and the other masters'), so that a read-through
  // that raced with one reads again rather than bring back a session just logged out.
  std::uint64_t deletions_ = 0;
  // Clustered only: sessions the store lacked lately, by id_hash (has a lock of its own).
  NegativeCache misses_{kMissTtlMs, kMissCapacity};
  ReadBudget reads_{kReadsPerSecond, kReadBurst};  // clustered only
};

}  // namespace sr::auth
