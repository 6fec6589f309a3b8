// Everything the auth plugin keeps, in one place: users, sessions, the audit log, the password
// hasher and the failure limiters, over one key-value store. The guards and route handlers
// work on an AuthCore; the plugin shim owns exactly one.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "audit_log.h"
#include "clock.h"
#include "failure_limiter.h"
#include "key_value_store.h"
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
  FailurePolicy login_limit;
  FailurePolicy api_key_limit{20, 10'000, 15 * 60'000, 60 * 60'000, 10'000};
  std::uint64_t audit_retention = 100'000;
};

using LogFn = std::function<void(std::string_view message)>;

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
  std::int64_t Now() const { return now_(); }

  KeyValueStore& store() { return store_; }
  const AuthSettings& settings() const { return settings_; }
  UserDirectory& users() { return users_; }
  SessionStore& sessions() { return sessions_; }
  AuditLog& audit() { return audit_; }
  const PasswordHasher& hasher() const { return hasher_; }
  FailureLimiter& login_failures_by_ip() { return login_by_ip_; }
  FailureLimiter& login_failures_by_account() { return login_by_account_; }
  FailureLimiter& api_key_failures_by_ip() { return api_key_by_ip_; }

 private:
  KeyValueStore& store_;
  AuthSettings settings_;
  NowFn now_;
  LogFn warn_;
  UserDirectory users_;
  SessionStore sessions_;
  AuditLog audit_;
  PasswordHasher hasher_;
  FailureLimiter login_by_ip_;
  FailureLimiter login_by_account_;
  FailureLimiter api_key_by_ip_;
};

}  // namespace sr::auth
