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

void AuthCore::ApplyRemoteSession(std::string_view key, std::string_view value, bool deleted) {
  if (auto ended = sessions_.ApplyRemote(key, value, deleted)) {
    AnnounceEnded({*ended}, EmailOf(ended->user_id), "ended_elsewhere");
  }
}

void AuthCore::ApplyRemoteUser(std::string_view key, std::string_view value, bool deleted) {
  RemoteUserChange change = users_.ApplyRemote(key, value, deleted);
  if (!change.before) return;  // a new user has nothing open here yet
  const User& before = *change.before;
  // The master that made the change deletes the sessions from the store; here they leave
  // memory at once (the guard would refuse them anyway: it checks the user as it is now).
  if (!change.after) {
    AnnounceEnded(sessions_.DropForUser(before.id), before.email, "deleted");
  } else if (change.after->disabled && !before.disabled) {
    AnnounceEnded(sessions_.DropForUser(before.id), before.email, "disabled");
  } else if (change.after->generation != before.generation) {
    AnnounceEnded(sessions_.DropForUser(before.id), before.email, "password_changed");
  } else if (change.after->role != before.role) {
    AnnounceSessionsOf(before.id, before.email, "role_changed");
  }
}

std::vector<std::unique_ptr<StoreWatch>> AuthCore::FollowOtherMasters() {
  std::vector<std::unique_ptr<StoreWatch>> watches;
  if (!store_.clustered()) return watches;
  // Users first: a master that disables a user writes the user, then deletes the sessions, so
  // where one delivery carries both the sessions end with the reason "disabled".
  watches.push_back(store_.Watch(UserDirectory::kUsersSpace,
                                 [this](std::string_view key, std::string_view value,
                                        bool deleted) { ApplyRemoteUser(key, value, deleted); }));
  watches.push_back(store_.Watch(
      SessionStore::kSpace, [this](std::string_view key, std::string_view value, bool deleted) {
        ApplyRemoteSession(key, value, deleted);
      }));
  return watches;
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
