#include "account_routes.h"

#include "cookies.h"
#include "guards.h"
#include "json.h"
#include "json_views.h"

namespace sr::auth {

AccountRoutes::AccountRoutes(AuthCore& core) : core_(core) {}

HttpReply AccountRoutes::Me(const Caller& caller) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("user");
  if (caller.auth == "session") {
    auto user = core_.users().FindByEmail(caller.user);
    if (!user) return HttpReply::Error(401, "login required");
    WriteUser(writer, *user);
  } else {
    writer.StartObject();
    WriteMember(writer, "name", caller.user);
    WriteMember(writer, "role", caller.role);
    writer.EndObject();
  }
  WriteMember(writer, "auth", caller.auth);
  if (caller.auth == "session") WriteMember(writer, "csrf_token", caller.csrf);
  writer.EndObject();
  HttpReply reply = HttpReply::Json(200, buffer.GetString());
  reply.With("Cache-Control", "no-store");
  return reply;
}

HttpReply AccountRoutes::ChangePassword(const Caller& caller, const RequestFacts& request,
                                        std::string_view body) {
  if (caller.auth != "session") {
    return HttpReply::Error(403, "only a signed-in user can change a password");
  }
  auto document = ParseJsonObject(body);
  auto current = document ? StringMember(*document, "current_password") : std::nullopt;
  auto replacement = document ? StringMember(*document, "new_password") : std::nullopt;
  if (!current || !replacement) {
    return HttpReply::Error(400, "current_password and new_password are required");
  }
  auto user = core_.users().FindByEmail(caller.user);
  if (!user) return HttpReply::Error(401, "login required");

  // A stolen session must not become an oracle for the current password: the same limits as
  // sign-in, per (account, address) and per address, and the account-wide delay.
  std::int64_t now_ms = core_.Now();
  std::string account = LoginAccountKey(user->email);
  LoginThrottle& throttle = core_.login_throttle();
  LoginThrottle::Decision throttled = throttle.Check(account, request.client_ip, now_ms);
  if (throttled.retry_after_ms > 0) {
    return HttpReply::Error(429, "too many wrong passwords; retry later")
        .With("Retry-After", std::to_string(RetryAfterSeconds(throttled.retry_after_ms)));
  }
  const PasswordHasher& hasher = core_.hasher();
  bool fits = current->size() <= core_.settings().password_policy.max_bytes;
  if (!fits || !hasher.Verify(user->password_hash, *current)) {
    throttle.RecordFailure(account, request.client_ip, now_ms);
    core_.Audit(AuditEntry{0, 0, user->email, "password.change_failed", user->email,
                           std::string(request.client_ip), "wrong current password"});
    HttpReply reply = HttpReply::Error(403, "the current password is wrong");
    reply.delay_ms = throttled.delay_ms;
    return reply;
  }
  throttle.RecordSuccess(account, request.client_ip);
  if (auto problem = core_.settings().password_policy.Problem(*replacement)) {
    return HttpReply::Error(400, *problem);
  }

  SessionStore::Issued issued;
  try {
    auto updated = core_.users().SetPasswordHash(user->id, hasher.Hash(*replacement), now_ms);
    if (!updated) return HttpReply::Error(401, "login required");
    core_.EndSessionsOf(user->id, user->email, "password_changed");
    issued = core_.sessions().Create(updated->id, updated->generation, now_ms);
  } catch (const StoreError& e) {
    core_.Warn(std::string("cannot store a password change: ") + e.what());
    return HttpReply::Error(503, "the change cannot be stored right now");
  }
  core_.Audit(AuditEntry{0, 0, user->email, "password.change", user->email,
                         std::string(request.client_ip), ""});
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("ok");
  writer.Bool(true);
  WriteMember(writer, "csrf_token", issued.session.csrf_token);
  writer.EndObject();
  bool secure = request.secure || core_.settings().secure_cookies;
  HttpReply reply = HttpReply::Json(200, buffer.GetString());
  reply.With("Set-Cookie",
             SessionCookie(issued.token, core_.settings().sessions.lifetime_ms / 1000, secure));
  reply.With("Cache-Control", "no-store");
  reply.delay_ms = throttled.delay_ms;
  return reply;
}

}  // namespace sr::auth
