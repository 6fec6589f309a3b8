#include "auth_core.h"

#include "json.h"

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
      login_throttle_(settings.login_limit, settings.login_address_max_failures,
                      settings.login_delay),
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

void AuthCore::AnnounceEnded(const std::vector<Session>& sessions, std::string_view email,
                             std::string_view reason) {
  if (!publish_) return;
  for (const Session& session : sessions) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    WriteMember(writer, "session", SessionIdOf(session));
    WriteMember(writer, "user", email);
    WriteMember(writer, "reason", reason);
    writer.EndObject();
    publish_(kSessionEndedTopic, std::string_view(buffer.GetString(), buffer.GetSize()));
  }
}

void AuthCore::EndSessionsOf(std::uint64_t user_id, std::string_view email,
                             std::string_view reason) {
  std::vector<Session> ended = sessions_.ForUser(user_id, now_());
  try {
    ended = sessions_.RemoveForUser(user_id);
  } catch (const StoreError&) {
    AnnounceEnded(ended, email, reason);
    throw;
  }
  AnnounceEnded(ended, email, reason);
}

void AuthCore::AnnounceSessionsOf(std::uint64_t user_id, std::string_view email,
                                  std::string_view reason) {
  AnnounceEnded(sessions_.ForUser(user_id, now_()), email, reason);
}

std::string AuthCore::EmailOf(std::uint64_t user_id) const {
  auto user = users_.FindById(user_id);
  return user ? user->email : std::string();
}

void AuthCore::AnnounceExpired() {
  for (const Session& session : sessions_.TakeEnded(now_())) {
    AnnounceEnded({session}, EmailOf(session.user_id), "expired");
  }
}

void AuthCore::Warn(std::string_view message) const {
  if (warn_) warn_(message);
}

}  // namespace sr::auth
