#include "session_store.h"

#include <algorithm>

#include "crypto.h"
#include "json.h"

namespace sr::auth {

namespace {

constexpr std::string_view kSessionDomain = "sr-auth/session/v1";
constexpr std::size_t kTokenBytes = 32;

std::string SerializeSession(const Session& session) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("user_id");
  writer.Uint64(session.user_id);
  writer.Key("generation");
  writer.Uint64(session.user_generation);
  WriteMember(writer, "csrf", session.csrf_token);
  writer.Key("created_ms");
  writer.Int64(session.created_ms);
  writer.Key("last_seen_ms");
  writer.Int64(session.last_seen_ms);
  writer.EndObject();
  return buffer.GetString();
}

std::optional<Session> ParseSession(std::string_view id_hash, std::string_view text) {
  if (!DigestFromHex(id_hash)) return std::nullopt;
  auto document = ParseJsonObject(text);
  if (!document) return std::nullopt;
  auto user_id = UintMember(*document, "user_id");
  auto generation = UintMember(*document, "generation");
  auto csrf = StringMember(*document, "csrf");
  auto created = IntMember(*document, "created_ms");
  auto last_seen = IntMember(*document, "last_seen_ms");
  if (!user_id || !generation || !csrf || csrf->empty() || !created || !last_seen) {
    return std::nullopt;
  }
  return Session{std::string(id_hash), *user_id, *generation,
                 std::string(*csrf),   *created, *last_seen};
}

}  // namespace

std::string SessionIdOf(const Session& session) { return session.id_hash.substr(0, 32); }

SessionStore::SessionStore(KeyValueStore& store, SessionLimits limits)
    : store_(store), limits_(limits) {
  limits_.max_per_user = std::max<std::size_t>(limits_.max_per_user, 1);
}

std::string SessionStore::HashToken(std::string_view token) {
  return ToHex(DigestOf(kSessionDomain, token));
}

bool SessionStore::Expired(const Session& session, std::int64_t now_ms) const {
  return now_ms - session.last_seen_ms >= limits_.idle_timeout_ms ||
         now_ms - session.created_ms >= limits_.lifetime_ms;
}

std::int64_t SessionStore::ExpiryOf(const Session& session) const {
  return std::min(session.last_seen_ms + limits_.idle_timeout_ms,
                  session.created_ms + limits_.lifetime_ms);
}

void SessionStore::Load(std::int64_t now_ms) {
  std::lock_guard loading(load_mutex_);
  std::unordered_map<std::string, Session> loaded;
  std::vector<std::string> stale;
  // Another master may have used a session since it last stored it: in a cluster only rows
  // expired for longer than the grace are deleted (the others are simply not loaded).
  const std::int64_t stale_before_ms = store_.clustered() ? now_ms - ClusterGraceMs() : now_ms;
  store_.Scan(kSpace, "", "", 0, false, [&](std::string_view key, std::string_view value) {
    auto session = ParseSession(key, value);
    if (session && !Expired(*session, now_ms)) {
      loaded.emplace(session->id_hash, std::move(*session));
    } else if (!session || Expired(*session, stale_before_ms)) {
      stale.emplace_back(key);
    }
    return true;
  });
  std::lock_guard persist(persist_mutex_);
  {
    std::lock_guard lock(mutex_);
    sessions_ = std::move(loaded);
    dirty_.clear();
    next_expiry_ms_ = INT64_MAX;
    for (const auto& [id_hash, session] : sessions_) {
      next_expiry_ms_ = std::min(next_expiry_ms_, ExpiryOf(session));
    }
  }
  WriteDeletions(std::move(stale));
}

SessionStore::Issued SessionStore::Create(std::uint64_t user_id, std::uint64_t user_generation,
                                          std::int64_t now_ms) {
  Issued issued;
  issued.token = RandomToken(kTokenBytes);
  issued.session.id_hash = HashToken(issued.token);
  issued.session.user_id = user_id;
  issued.session.user_generation = user_generation;
  issued.session.csrf_token = RandomToken(kTokenBytes);
  issued.session.created_ms = now_ms;
  issued.session.last_seen_ms = now_ms;

  std::lock_guard persist(persist_mutex_);
  std::vector<std::string> evicted;
  {
    std::lock_guard lock(mutex_);
    std::vector<const Session*> mine;
    for (const auto& [id_hash, session] : sessions_) {
      if (session.user_id == user_id) mine.push_back(&session);
    }
    if (mine.size() >= limits_.max_per_user) {
      std::sort(mine.begin(), mine.end(), [](const Session* left, const Session* right) {
        return left->last_seen_ms < right->last_seen_ms;
      });
      std::size_t excess = mine.size() - limits_.max_per_user + 1;
      for (std::size_t i = 0; i < excess; ++i) evicted.push_back(mine[i]->id_hash);
    }
  }
  std::vector<KvOp> ops;
  ops.push_back(
      KvOp::Put(std::string(kSpace), issued.session.id_hash, SerializeSession(issued.session)));
  for (const std::string& id_hash : evicted) {
    ops.push_back(KvOp::Delete(std::string(kSpace), id_hash));
  }
  store_.Write(ops);
  misses_.Forget(issued.session.id_hash);
  std::lock_guard lock(mutex_);
  for (const std::string& id_hash : evicted) {
    auto it = sessions_.find(id_hash);
    if (it == sessions_.end()) continue;
    ended_.push_back(std::move(it->second));
    sessions_.erase(it);
    dirty_.erase(id_hash);
  }
  sessions_.emplace(issued.session.id_hash, issued.session);
  next_expiry_ms_ = std::min(next_expiry_ms_, ExpiryOf(issued.session));
  return issued;
}

std::optional<Session> SessionStore::Find(std::string_view token, std::int64_t now_ms, bool touch) {
  if (token.empty()) return std::nullopt;
  std::string id_hash = HashToken(token);
  if (store_.clustered()) {
    bool live = false;
    {
      std::lock_guard lock(mutex_);
      auto it = sessions_.find(id_hash);
      live = it != sessions_.end() && !Expired(it->second, now_ms);
    }
    // Made on another master, or kept alive there since our copy: the store knows.
    if (!live) ReadThrough(id_hash, now_ms);
  }
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id_hash);
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now_ms)) {
    dirty_.erase(id_hash);
    QueueExpired(id_hash);
    ended_.push_back(std::move(it->second));
    sessions_.erase(it);
    return std::nullopt;
  }
  if (touch && now_ms > it->second.last_seen_ms) {
    it->second.last_seen_ms = now_ms;
    dirty_.insert(id_hash);
  }
  return it->second;
}

void SessionStore::ReadThrough(const std::string& id_hash, std::int64_t now_ms) {
  if (misses_.Absent(id_hash, now_ms)) return;
  if (!reads_.Take(now_ms)) return;
  // A deletion (here or on another master) between the read and the install could bring a
  // logged-out session back into memory: read again whenever one was seen meanwhile.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::uint64_t deletions_seen = 0;
    {
      std::lock_guard lock(mutex_);
      deletions_seen = deletions_;
    }
    const NegativeCache::Ticket ticket = misses_.BeforeRead(id_hash);
    std::optional<std::string> text;
    try {
      text = store_.Get(kSpace, id_hash);
    } catch (const StoreError&) {
      return;  // the database is away: answer from memory
    }
    if (!text) {
      // Unless the watch delivered a put of it while we read (the ticket tells).
      misses_.Remember(id_hash, ticket, now_ms);
      return;
    }
    std::lock_guard lock(mutex_);
    if (deletions_ != deletions_seen) continue;
    std::optional<Session> stored = ParseSession(id_hash, *text);
    if (!stored || Expired(*stored, now_ms)) return;
    auto [it, inserted] = sessions_.try_emplace(id_hash, *stored);
    if (!inserted)
      it->second.last_seen_ms = std::max(it->second.last_seen_ms, stored->last_seen_ms);
    next_expiry_ms_ = std::min(next_expiry_ms_, ExpiryOf(it->second));
    return;
  }
}

void SessionStore::QueueExpired(const std::string& id_hash) {
  (store_.clustered() ? pending_expiries_ : pending_deletions_).push_back(id_hash);
}

std::int64_t SessionStore::FlushPeriodMs() const {
  return std::clamp<std::int64_t>(limits_.idle_timeout_ms / 4, 100, 10'000);
}

std::int64_t SessionStore::ClusterGraceMs() const {
  // One flush period for the other master to store its last-seen time, and two seconds for
  // the change to reach us.
  return FlushPeriodMs() + 2'000;
}

std::optional<Session> SessionStore::ApplyRemote(std::string_view id_hash, std::string_view value,
                                                 bool deleted) {
  std::string id(id_hash);
  // Known now: a read-through in flight must not remember it as unknown.
  if (!deleted) misses_.Forget(id);
  std::lock_guard loading(load_mutex_);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (deleted) {
    deletions_ += 1;
    if (it == sessions_.end()) return std::nullopt;
    Session ended = std::move(it->second);
    dirty_.erase(ended.id_hash);
    sessions_.erase(it);
    return ended;
  }
  if (it == sessions_.end()) return std::nullopt;
  if (auto stored = ParseSession(id_hash, value)) {
    it->second.last_seen_ms = std::max(it->second.last_seen_ms, stored->last_seen_ms);
  }
  return std::nullopt;
}

std::vector<Session> SessionStore::DropForUser(std::uint64_t user_id) {
  std::vector<Session> dropped;
  std::lock_guard lock(mutex_);
  deletions_ += 1;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second.user_id == user_id) {
      dirty_.erase(it->first);
      dropped.push_back(std::move(it->second));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

void SessionStore::ForgetDeleted(const std::vector<std::string>& id_hashes) {
  if (!store_.clustered() || id_hashes.empty()) return;
  std::lock_guard lock(mutex_);
  deletions_ += 1;
  for (const std::string& id_hash : id_hashes) {
    sessions_.erase(id_hash);
    dirty_.erase(id_hash);
  }
}

std::optional<Session> SessionStore::Touch(std::string_view token, std::int64_t now_ms) {
  return Find(token, now_ms, true);
}

std::optional<Session> SessionStore::Peek(std::string_view token, std::int64_t now_ms) {
  return Find(token, now_ms, false);
}

std::optional<Session> SessionStore::Remove(std::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string id_hash = HashToken(token);
  std::lock_guard persist(persist_mutex_);
  std::optional<Session> removed;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id_hash);
    if (it != sessions_.end()) {
      removed = std::move(it->second);
      sessions_.erase(it);
      dirty_.erase(id_hash);
    }
  }
  // In a cluster the session may live only in the store (made on another master and never
  // used here): it is deleted all the same.
  if (removed || store_.clustered()) WriteDeletions({id_hash});
  return removed;
}

std::vector<Session> SessionStore::RemoveForUser(std::uint64_t user_id) {
  std::lock_guard persist(persist_mutex_);
  std::vector<Session> removed;
  std::vector<std::string> id_hashes;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.user_id == user_id) {
        id_hashes.push_back(it->first);
        dirty_.erase(it->first);
        removed.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (store_.clustered()) {
    // Sessions made on other masters are in the store only: they go too, rather than linger
    // (harmless, since the user check refuses them, but kept until a restart).
    store_.Scan(kSpace, "", "", 0, false, [&](std::string_view key, std::string_view value) {
      auto session = ParseSession(key, value);
      if (session && session->user_id == user_id &&
          std::find(id_hashes.begin(), id_hashes.end(), key) == id_hashes.end()) {
        id_hashes.emplace_back(key);
      }
      return true;
    });
  }
  WriteDeletions(std::move(id_hashes));
  return removed;
}

std::vector<Session> SessionStore::ForUser(std::uint64_t user_id, std::int64_t now_ms) const {
  std::vector<Session> found;
  std::lock_guard lock(mutex_);
  for (const auto& [id_hash, session] : sessions_) {
    if (session.user_id == user_id && !Expired(session, now_ms)) found.push_back(session);
  }
  return found;
}

std::vector<Session> SessionStore::TakeEnded(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (now_ms >= next_expiry_ms_) {
    next_expiry_ms_ = INT64_MAX;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (Expired(it->second, now_ms)) {
        dirty_.erase(it->first);
        QueueExpired(it->first);  // the next Flush deletes it from the store
        ended_.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        next_expiry_ms_ = std::min(next_expiry_ms_, ExpiryOf(it->second));
        ++it;
      }
    }
  }
  std::vector<Session> ended;
  ended.swap(ended_);
  return ended;
}

void SessionStore::WriteDeletions(std::vector<std::string> id_hashes) {
  if (id_hashes.empty()) return;
  std::vector<KvOp> ops;
  ops.reserve(id_hashes.size());
  for (const std::string& id_hash : id_hashes) {
    ops.push_back(KvOp::Delete(std::string(kSpace), id_hash));
  }
  try {
    store_.Write(ops);
  } catch (const StoreError&) {
    std::lock_guard lock(mutex_);
    pending_deletions_.insert(pending_deletions_.end(), id_hashes.begin(), id_hashes.end());
    throw;
  }
  ForgetDeleted(id_hashes);
}

void SessionStore::Flush(std::int64_t now_ms) {
  std::lock_guard persist(persist_mutex_);
  // First, so that a failure leaves the rest of the pending work where it is. Sessions found
  // expired below are settled by the next call (they wait out the grace anyway).
  if (store_.clustered()) SettleExpiries(now_ms);
  std::vector<Session> touched;
  std::vector<std::string> deletions;
  {
    std::lock_guard lock(mutex_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (Expired(it->second, now_ms)) {
        dirty_.erase(it->first);
        QueueExpired(it->first);
        ended_.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
    for (const std::string& id_hash : dirty_) {
      auto it = sessions_.find(id_hash);
      if (it != sessions_.end()) touched.push_back(it->second);
    }
    dirty_.clear();
    deletions.swap(pending_deletions_);
  }
  if (touched.empty() && deletions.empty()) return;
  std::vector<KvOp> ops;
  ops.reserve(touched.size() + deletions.size());
  for (const Session& session : touched) {
    // An update, not a put: another master may have ended the session meanwhile.
    ops.push_back(
        store_.clustered()
            ? KvOp::Update(std::string(kSpace), session.id_hash, SerializeSession(session))
            : KvOp::Put(std::string(kSpace), session.id_hash, SerializeSession(session)));
  }
  for (const std::string& id_hash : deletions) {
    ops.push_back(KvOp::Delete(std::string(kSpace), id_hash));
  }
  try {
    store_.Write(ops);
  } catch (const StoreError&) {
    std::lock_guard lock(mutex_);
    for (const Session& session : touched) {
      if (sessions_.count(session.id_hash) != 0) dirty_.insert(session.id_hash);
    }
    pending_deletions_.insert(pending_deletions_.end(), deletions.begin(), deletions.end());
    throw;
  }
  ForgetDeleted(deletions);
}

void SessionStore::SettleExpiries(std::int64_t now_ms) {
  std::vector<std::string> candidates;
  {
    std::lock_guard lock(mutex_);
    candidates.swap(pending_expiries_);
  }
  std::vector<std::string> undecided;
  std::vector<KvOp> ops;
  try {
    for (const std::string& id_hash : candidates) {
      auto text = store_.Get(kSpace, id_hash);
      if (!text) continue;  // gone already
      auto stored = ParseSession(id_hash, *text);
      if (!stored || Expired(*stored, now_ms - ClusterGraceMs())) {
        ops.push_back(KvOp::Delete(std::string(kSpace), id_hash));
      } else if (Expired(*stored, now_ms)) {
        undecided.push_back(id_hash);  // expired here, but another master may have used it since
      }
      // else: another master keeps it alive; a request here reads it through again
    }
    store_.Write(ops);
  } catch (const StoreError&) {
    std::lock_guard lock(mutex_);
    pending_expiries_.insert(pending_expiries_.end(), candidates.begin(), candidates.end());
    throw;
  }
  std::lock_guard lock(mutex_);
  pending_expiries_.insert(pending_expiries_.end(), undecided.begin(), undecided.end());
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace sr::auth
