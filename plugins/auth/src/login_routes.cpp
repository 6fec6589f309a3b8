#include "login_routes.h"

#include <algorithm>
#include <string>

#include "cookies.h"
#include "csrf.h"
#include "guards.h"
#include "json.h"
#include "login_page.h"
#include "redirect_target.h"
#include "session_authenticator.h"
#include "text.h"

namespace sr::auth {

namespace {

constexpr std::string_view kInvalidCredentials = "invalid email or password";
constexpr std::size_t kMaxAccountKeyBytes = 254;

struct Credentials {
  std::string email;
  std::string password;
  std::string next;
};

std::optional<Credentials> ParseCredentials(std::string_view body, bool json) {
  Credentials credentials;
  if (json) {
    auto document = ParseJsonObject(body);
    if (!document) return std::nullopt;
    auto email = StringMember(*document, "email");
    auto password = StringMember(*document, "password");
    if (!email || !password) return std::nullopt;
    credentials.email = std::string(*email);
    credentials.password = std::string(*password);
    credentials.next = std::string(StringMember(*document, "next").value_or(""));
  } else {
    auto fields = ParseFormBody(body);
    auto email = fields.find("email");
    auto password = fields.find("password");
    if (email == fields.end() || password == fields.end()) return std::nullopt;
    credentials.email = email->second;
    credentials.password = password->second;
    if (auto next = fields.find("next"); next != fields.end()) credentials.next = next->second;
  }
  if (TrimSpaces(credentials.email).empty() || credentials.password.empty()) return std::nullopt;
  return credentials;
}

HttpReply NoStore(HttpReply reply) {
  reply.With("Cache-Control", "no-store");
  return reply;
}

HttpReply FormPage(int status, const Credentials& credentials, std::string message) {
  LoginPageModel model;
  model.next = SafeRedirectPath(credentials.next).value_or("");
  model.email = std::string(TrimSpaces(credentials.email));
  model.message = std::move(message);
  return NoStore(HttpReply::Html(status, RenderLoginPage(model)));
}

}  // namespace

LoginRoutes::LoginRoutes(AuthCore& core) : core_(core) {}

bool LoginRoutes::SecureCookie(const RequestFacts& request) const {
  return request.secure || core_.settings().secure_cookies;
}

HttpReply LoginRoutes::Page(const RequestFacts&, std::optional<std::string_view> next) {
  LoginPageModel model;
  if (next) model.next = SafeRedirectPath(*next).value_or("");
  return NoStore(HttpReply::Html(200, RenderLoginPage(model)));
}

HttpReply LoginRoutes::Stylesheet() {
  HttpReply reply;
  reply.content_type = "text/css; charset=utf-8";
  reply.body = std::string(LoginStylesheet());
  reply.With("Cache-Control", "public, max-age=3600");
  return reply;
}

HttpReply LoginRoutes::Submit(const RequestFacts& request, std::string_view body) {
  // The body's format follows its Content-Type; the reply's, what the client accepts.
  bool json_body = request.content_type &&
                   StartsWithIgnoreCase(TrimSpaces(*request.content_type), "application/json");
  bool json = WantsJson(request);
  // The form stays postable by scripts (no token), but never from another site's page.
  if (request.origin && !(request.host && OriginMatchesHost(*request.origin, *request.host))) {
    return HttpReply::Error(403, "cross-site login refused");
  }
  auto credentials = ParseCredentials(body, json_body);
  if (!credentials) {
    if (json) return HttpReply::Error(400, "email and password are required");
    return FormPage(400, Credentials{}, "Enter your email and password.");
  }

  std::int64_t now_ms = core_.Now();
  std::string account = LoginAccountKey(credentials->email);
  LoginThrottle& throttle = core_.login_throttle();
  LoginThrottle::Decision throttled = throttle.Check(account, request.client_ip, now_ms);
  if (throttled.retry_after_ms > 0) {
    std::int64_t retry_after_s = RetryAfterSeconds(throttled.retry_after_ms);
    HttpReply reply = json ? NoStore(HttpReply::Error(429, "too many failed logins; retry later"))
                           : FormPage(429, *credentials,
                                      "Too many failed sign-in attempts. Try again in " +
                                          std::to_string(retry_after_s) + " seconds.");
    reply.With("Retry-After", std::to_string(retry_after_s));
    return reply;
  }

  const PasswordHasher& hasher = core_.hasher();
  // Behind the throttle: in a cluster an unknown address is looked for in the store.
  auto user = core_.users().FindByEmailOrReadThrough(credentials->email, now_ms);
  bool password_fits = credentials->password.size() <= core_.settings().password_policy.max_bytes;
  bool verified = false;
  if (user && password_fits) {
    verified = hasher.Verify(user->password_hash, credentials->password);
  } else {
    // The same work for unknown accounts: response times do not reveal which emails exist.
    hasher.VerifyDummy(password_fits ? std::string_view(credentials->password)
                                     : std::string_view(credentials->password).substr(0, 64));
  }
  if (!verified || user->disabled) {
    throttle.RecordFailure(account, request.client_ip, now_ms);
    std::string detail = !user ? "unknown account" : !verified ? "wrong password" : "disabled";
    core_.Audit(AuditEntry{0, 0, "anonymous", "login.failure",
                           CleanText(TrimSpaces(credentials->email), kMaxAccountKeyBytes),
                           std::string(request.client_ip), detail});
    HttpReply reply = json ? NoStore(HttpReply::Error(401, std::string(kInvalidCredentials)))
                           : FormPage(401, *credentials, "Invalid email or password.");
    reply.delay_ms = throttled.delay_ms;
    return reply;
  }

  throttle.RecordSuccess(account, request.client_ip);
  if (hasher.NeedsRehash(user->password_hash)) {
    try {
      core_.users().UpgradePasswordHash(user->id, user->password_hash,
                                        hasher.Hash(credentials->password));
    } catch (const StoreError& e) {
      core_.Warn(std::string("cannot upgrade a password hash: ") + e.what());
    }
  }
  bool secure = SecureCookie(request);
  try {
    if (request.session_cookie) {
      if (auto replaced = core_.sessions().Remove(*request.session_cookie)) {
        core_.AnnounceEnded({*replaced}, core_.EmailOf(replaced->user_id), "logout");
      }
    }
  } catch (const StoreError& e) {
    core_.Warn(std::string("cannot delete the replaced session: ") + e.what());
  }
  SessionStore::Issued issued;
  try {
    issued = core_.sessions().Create(user->id, user->generation, now_ms);
  } catch (const StoreError& e) {
    core_.Warn(std::string("cannot store a new session: ") + e.what());
    return HttpReply::Error(503, "sessions cannot be stored right now");
  }
  core_.Audit(AuditEntry{0, 0, user->email, "login.success", user->email,
                         std::string(request.client_ip), ""});
  std::string cookie =
      SessionCookie(issued.token, core_.settings().sessions.lifetime_ms / 1000, secure);
  if (json) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("ok");
    writer.Bool(true);
    writer.Key("user");
    writer.StartObject();
    WriteMember(writer, "email", user->email);
    WriteMember(writer, "role", RoleName(user->role));
    writer.EndObject();
    WriteMember(writer, "csrf_token", issued.session.csrf_token);
    writer.EndObject();
    HttpReply reply =
        NoStore(std::move(HttpReply::Json(200, buffer.GetString()).With("Set-Cookie", cookie)));
    reply.delay_ms = throttled.delay_ms;
    return reply;
  }
  HttpReply reply = NoStore(std::move(
      HttpReply::Redirect(RedirectAfterLogin(credentials->next)).With("Set-Cookie", cookie)));
  reply.delay_ms = throttled.delay_ms;
  return reply;
}

HttpReply LoginRoutes::Logout(const RequestFacts& request) {
  if (request.session_cookie) {
    std::int64_t now_ms = core_.Now();
    auto signed_in = ResolveSession(core_.sessions(), core_.users(), *request.session_cookie,
                                    now_ms, /*touch=*/false);
    try {
      if (auto ended = core_.sessions().Remove(*request.session_cookie)) {
        core_.AnnounceEnded({*ended}, core_.EmailOf(ended->user_id), "logout");
      }
    } catch (const StoreError& e) {
      // Already gone from memory; the next flush retries the store. The session ended, but
      // Remove threw before returning it: the hash of the cookie still names it.
      core_.Warn(std::string("cannot delete a session from the store: ") + e.what());
      if (signed_in) {
        core_.AnnounceEnded({signed_in->session}, signed_in->user.email, "logout");
      }
    }
    if (signed_in) {
      core_.Audit(AuditEntry{0, 0, signed_in->user.email, "logout", signed_in->user.email,
                             std::string(request.client_ip), ""});
    }
  }
  std::string cookie = ExpiredSessionCookie(SecureCookie(request));
  if (WantsJson(request)) {
    return NoStore(std::move(HttpReply::Json(200, "{\"ok\":true}").With("Set-Cookie", cookie)));
  }
  return NoStore(std::move(HttpReply::Redirect("/login").With("Set-Cookie", cookie)));
}

}  // namespace sr::auth
