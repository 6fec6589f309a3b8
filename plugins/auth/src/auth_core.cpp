#include "auth_core.h"

namespace sr::auth {

AuthCore::AuthCore(KeyValueStore& store, AuthSettings settings, NowFn now, LogFn warn)
    : store_(store),
      settings_(settings),
      now_(std::move(now)),
      warn_(std::move(warn)),
      users_(store),
      sessions_(store, settings.sessions),
      audit_(store, settings.audit_retention, now_),
      hasher_(settings.argon2),
      login_by_ip_(settings.login_limit),
      login_by_account_(settings.login_limit),
      api_key_by_ip_(settings.api_key_limit) {}

void AuthCore::Load() {
  users_.Load();
  sessions_.Load(now_());
  audit_.Load();
}

void AuthCore::Audit(AuditEntry entry) {
  std::string action = entry.action;
  try {
    audit_.Record(std::move(entry));
  } catch (const StoreError& e) {
    Warn("cannot write the audit entry '" + action + "': " + e.what());
  }
}

void AuthCore::Warn(std::string_view message) const {
  if (warn_) warn_(message);
}

}  // namespace sr::auth
