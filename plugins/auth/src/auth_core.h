// Everything the auth plugin keeps, in one place: users, sessions, the audit log, the password
// hasher and the failure limiters, over one key-value store. The guards and route handlers
// work on an AuthCore; the plugin shim owns exactly one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "audit_log.h"
#include "clock.h"
#include "failure_limiter.h"
#include "key_value_store.h"
#include "login_throttle.h"
#include "password_hasher.h"
#include "password_policy.h"
#include "session_store.h"
#include "user_directory.h"

namespace sr::auth {

struct AuthSettings {
  SessionLimits sessions;
  bool secure_cookies = false;  // Secure on the cookie even over plain HTTP (behind a proxy)
  PasswordPolicy password_policy;
  Argon2Limits argon2 = Argon2Limits::Interactive();
  FailurePolicy login_limit;                      // per (account, client address)
  std::uint32_t login_address_max_failures = 20;  // per client address, over all accounts
  AccountDelayPolicy login_delay;                 // per account: delays, never refuses
  FailurePolicy api_key_limit{20, 10'000, 15 * 60'000, 60 * 60'000, 10'000};
  std::uint64_t audit_retention = 100'000;
};

using LogFn = std::function<void(std::string_view message)>;
using PublishFn = std::function<void(std::string_view topic, std::string_view payload)>;

// Published once per session that ended or whose rights changed, so that whoever keeps
// something open for a session (event streams) closes it and the guard decides again.
inline constexpr std::string_view kSessionEndedTopic = "auth.session_ended";

class AuthCore {
 public:
  AuthCore(KeyValueStore& store, AuthSettings settings, NowFn now, LogFn warn);
  AuthCore(const AuthCore&) = delete;
  AuthCore& operator=(const AuthCore&) = delete;

  // Reads users, sessions and the end of the audit log. Throws StoreError.
  void Load();

  // Appends to the audit log; a store failure is logged, never thrown: an audit trail that
  // cannot be written must not lock everyone out.
  void Audit(AuditEntry entry);
  void Warn(std::string_view message) const;

  // Where auth.session_ended events go (the host's event bus); none by default.
  void SetPublisher(PublishFn publish) { publish_ = std::move(publish); }
  // Publishes {"session", "user", "reason"} for each session; reason is one of "logout",
  // "expired", "disabled", "deleted", "role_changed", "password_changed", "ended_elsewhere".
  void AnnounceEnded(const std::vector<Session>& sessions, std::string_view email,
                     std::string_view reason);
  // Ends every session of a user and announces each with `reason`. The sessions are gone from
  // memory even when the store fails (StoreError is rethrown; the next flush retries it), and
  // are announced either way.
  void EndSessionsOf(std::uint64_t user_id, std::string_view email, std::string_view reason);
  // Announces the user's live sessions with `reason` without ending them (a role change: the
  // sessions stay valid, but whatever was opened under the old rights must be opened again).
  void AnnounceSessionsOf(std::uint64_t user_id, std::string_view email, std::string_view reason);
  // The email of a user id ("" when the user is gone).
  std::string EmailOf(std::uint64_t user_id) const;
  // Changes another master made (clustered stores), from the store's change thread: memory
  // follows, and what ended or changed here is announced. A deleted session is announced with
  // the reason "ended_elsewhere"; a deleted, disabled or re-passworded user's sessions here end
  // with "deleted", "disabled" or "password_changed"; a new role is announced as
  // "role_changed". Never blocks on the store.
  void ApplyRemoteSession(std::string_view key, std::string_view value, bool deleted);
  void ApplyRemoteUser(std::string_view key, std::string_view value, bool deleted);
  // Cluster mode: watches that feed the other masters' session and user changes to the two
  // functions above; none when the store is not clustered. Call before Load (a change between
  // the watch and the read is then seen, perhaps twice, never missed), and destroy them before
  // this core. Throws StoreError.
  std::vector<std::unique_ptr<StoreWatch>> FollowOtherMasters();
  // Announces, as "expired", every session that expired or was evicted since the last call.
  // Call at least once a second while sessions exist; cheap when nothing is due.
  void AnnounceExpired();
  std::int64_t Now() const { return now_(); }

  KeyValueStore& store() { return store_; }
  const AuthSettings& settings() const { return settings_; }
  UserDirectory& users() { return users_; }
  SessionStore& sessions() { return sessions_; }
  AuditLog& audit() { return audit_; }
  const PasswordHasher& hasher() const { return hasher_; }
  LoginThrottle& login_throttle() { return login_throttle_; }
  FailureLimiter& api_key_failures_by_ip() { return api_key_by_ip_; }

 private:
  KeyValueStore& store_;
  AuthSettings settings_;
  NowFn now_;
  LogFn warn_;
  PublishFn publish_;
  UserDirectory users_;
  SessionStore sessions_;
  AuditLog audit_;
  PasswordHasher hasher_;
  LoginThrottle login_throttle_;
  FailureLimiter api_key_by_ip_;
};

}  // namespace sr::auth
