// auth: spawner API keys, dashboard logins, users and roles, and an audit log.
//
// Guards (see src/guards.h):
//   api-key[:spawner|operator|admin]   X-API-Key in constant time; sets user "key:<name>"
//   session[:viewer|operator|admin]    sr_session cookie (+ CSRF on state-changing methods)
// Both set the request attributes "user", "role" and "auth"; sessions also "csrf".
//
// Routes:
//   GET    /login                    public                     sign-in form
//   POST   /login                    public                     sign in (form or JSON)  [worker]
//   GET    /logout, POST /logout     public                     sign out                [worker]
//   GET    /login.css                public                     the form's stylesheet
//   GET    /api/me                   session|api-key            who am I (+ csrf_token)
//   POST   /api/me/password          session                    change own password     [worker]
//   GET    /api/users                session:admin              list users
//   POST   /api/users                session:admin              create a user           [worker]
//   PATCH  /api/users/{id}           session:admin              role / disabled         [worker]
//   DELETE /api/users/{id}           session:admin              delete a user           [worker]
//   POST   /api/users/{id}/password  session:admin              reset a password        [worker]
//   GET    /api/audit                api-key:admin|session:admin  audit log, paged      [worker]
// Response filter: X-Content-Type-Options on every response; CSP, Referrer-Policy and
//   X-Frame-Options on HTML.
// Task: "session flush" stores last-seen times and drops expired sessions.
// Events: stores every "audit.record" event in the audit log.
// Service used (optional): kv-store v1; without it everything lives in memory.
//
// Config keys: api_keys [{name, key, role: spawner|operator|admin}], secure_cookies,
//   session_idle_timeout (30m), session_lifetime (12h), max_sessions_per_user (20),
//   password_min_length (12), argon2_opslimit (2), argon2_memlimit (64MiB),
//   login_rate_limit.{max_failures (5), lockout (30s), max_lockout (15m), forget_after (1h),
//   max_tracked (10000)}, api_key_rate_limit.{same; 20, 10s, 15m, 1h, 10000},
//   audit_retention (100000), data_dir ("data"), admin_email (ADMIN_EMAIL or
//   admin@example.com).
// Environment: MASTER_API_KEY (an admin key named "master"), ADMIN_EMAIL, ADMIN_PASSWORD.
#include <sr/services/kv_store.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sr/plugin.hpp>

#include "account_routes.h"
#include "api_key_verifier.h"
#include "audit_routes.h"
#include "auth_core.h"
#include "auth_options.h"
#include "bootstrap.h"
#include "generated_key_store.h"
#include "guards.h"
#include "http_bridge.h"
#include "kv_store_client.h"
#include "login_routes.h"
#include "memory_key_value_store.h"
#include "security_headers.h"
#include "user_routes.h"

namespace sr::auth {
namespace {

constexpr std::uint64_t kMaxFormBytes = std::uint64_t{16} * 1024;
constexpr char kGeneratedKeyFile[] = "generated-api-key.digest";

class AuthPlugin final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() {
    sr::PluginInfo info{"auth", "1.0.0",
                        "API keys, dashboard logins, users and roles, and an audit log"};
    info.provides = {sr::GuardCapability("api-key"), sr::GuardCapability("session")};
    info.uses = {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)};
    return info;
  }

  void Init(sr::Host& host) override {
    host_ = &host;
    options_ = ReadAuthOptions(host.config());
    for (const std::string& warning : options_.warnings) host.Warn(warning);
    OpenStore(host);
    core_ = std::make_unique<AuthCore>(*store_, options_.settings, &WallClockMs,
                                       [&host](std::string_view message) { host.Warn(message); });
    for (ConfiguredKey& key : options_.api_keys) {
      try {
        verifier_.AddKey(key.name, key.key, key.role);
      } catch (const std::invalid_argument& e) {
        throw sr::Error(e.what(), SR_ERR_INVALID_ARGUMENT);
      }
      WipeSecret(key.key);  // from here on only its digest exists in this plugin
    }
    api_key_guard_ = std::make_unique<ApiKeyGuard>(verifier_, *core_);
    session_guard_ = std::make_unique<SessionGuard>(*core_);
    login_ = std::make_unique<LoginRoutes>(*core_);
    account_ = std::make_unique<AccountRoutes>(*core_);
    users_ = std::make_unique<UserRoutes>(*core_);

    RegisterGuards(host);
    RegisterLoginRoutes(host);
    RegisterApiRoutes(host);
    host.AddResponseFilter([](const sr::Request&, sr::Response& response) {
      std::string content_type(response.Header("Content-Type").value_or(""));
      for (const HeaderField& header : SecurityHeadersFor(content_type)) {
        if (!response.Header(header.name)) response.AddHeader(header.name, header.value);
      }
    });
    audit_subscription_ =
        host.Subscribe("audit.record", [this](std::string_view, std::string_view payload) {
          auto entry = AuditLog::FromEventPayload(payload);
          if (!entry) {
            host_->Warn("ignored an audit.record event that is not {\"action\": ...} JSON");
            return;
          }
          core_->Audit(std::move(*entry));
        });
    auto idle = std::chrono::milliseconds(options_.settings.sessions.idle_timeout_ms);
    auto flush_period =
        std::clamp(idle / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(10'000));
    flush_task_ = host.Every("session flush", flush_period, [this] { FlushSessions(); });
  }

  void Start() override {
    core_->Load();
    AnnounceGeneratedKey();
    AnnounceAdmin();
  }

  void Stop() override { FlushSessions(); }

 private:
  void OpenStore(sr::Host& host) {
    if (const auto* service =
            host.Lookup<sr_kv_store_v1>(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION)) {
      store_ = std::make_unique<KvStoreClient>(*service);
      generated_key_store_ = std::make_unique<KvGeneratedKeyStore>(*store_);
      return;
    }
    host.Warn(
        "no kv-store service is enabled: users, sessions and the audit log live in "
        "memory and are lost at restart (enable sqlite-store to keep them)");
    store_ = std::make_unique<MemoryKeyValueStore>();
    generated_key_store_ = std::make_unique<FileGeneratedKeyStore>(
        std::filesystem::path(options_.data_dir) / kGeneratedKeyFile);
  }

  void RegisterGuards(sr::Host& host) {
    host.RegisterGuard(
        "api-key", [this](sr::Request& request, sr::Response& response, std::string_view argument) {
          return ApplyVerdict(api_key_guard_->Check(FactsOf(request), argument), request, response);
        });
    host.RegisterGuard(
        "session", [this](sr::Request& request, sr::Response& response, std::string_view argument) {
          return ApplyVerdict(session_guard_->Check(FactsOf(request), argument), request, response);
        });
  }

  void RegisterLoginRoutes(sr::Host& host) {
    const sr::RouteOptions worker{.blocking = true, .max_body_bytes = kMaxFormBytes};
    host.Route("GET", "/login", "public", [this](sr::Request& request, sr::Response& response) {
      WriteReply(login_->Page(FactsOf(request), request.QueryParam("next")), response);
    });
    host.Route("GET", "/login.css", "public", [](sr::Request&, sr::Response& response) {
      WriteReply(LoginRoutes::Stylesheet(), response);
    });
    host.Route(
        "POST", "/login", "public",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(login_->Submit(FactsOf(request), request.Body()), response);
        },
        worker);
    for (const char* method : {"GET", "POST"}) {
      host.Route(
          method, "/logout", "public",
          [this](sr::Request& request, sr::Response& response) {
            WriteReply(login_->Logout(FactsOf(request)), response);
          },
          worker);
    }
  }

  void RegisterApiRoutes(sr::Host& host) {
    const sr::RouteOptions worker{.blocking = true, .max_body_bytes = kMaxFormBytes};
    host.Route("GET", "/api/me", "session|api-key",
               [this](sr::Request& request, sr::Response& response) {
                 WriteReply(account_->Me(CallerOf(request)), response);
               });
    host.Route(
        "POST", "/api/me/password", "session",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(account_->ChangePassword(CallerOf(request), FactsOf(request), request.Body()),
                     response);
        },
        worker);
    host.Route("GET", "/api/users", "session:admin", [this](sr::Request&, sr::Response& response) {
      WriteReply(users_->List(), response);
    });
    host.Route(
        "POST", "/api/users", "session:admin",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(users_->Create(CallerOf(request), request.ClientIp(), request.Body()),
                     response);
        },
        worker);
    host.Route(
        "PATCH", "/api/users/{id}", "session:admin",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(users_->Update(CallerOf(request), request.ClientIp(),
                                    request.PathParam("id").value_or(""), request.Body()),
                     response);
        },
        worker);
    host.Route(
        "DELETE", "/api/users/{id}", "session:admin",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(users_->Delete(CallerOf(request), request.ClientIp(),
                                    request.PathParam("id").value_or("")),
                     response);
        },
        worker);
    host.Route(
        "POST", "/api/users/{id}/password", "session:admin",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(users_->ResetPassword(CallerOf(request), request.ClientIp(),
                                           request.PathParam("id").value_or(""), request.Body()),
                     response);
        },
        worker);
    host.Route(
        "GET", "/api/audit", "api-key:admin|session:admin",
        [this](sr::Request& request, sr::Response& response) {
          WriteReply(
              AuditPageReply(*core_, request.QueryParam("limit"), request.QueryParam("before")),
              response);
        },
        worker);
  }

  void AnnounceGeneratedKey() {
    std::optional<std::string> key;
    try {
      key = EnsureApiKey(verifier_, *generated_key_store_);
    } catch (const std::exception& e) {
      throw sr::Error(std::string("cannot set up the generated API key: ") + e.what());
    }
    if (!key) return;
    // The only time this key is ever shown; from now on only its digest exists.
    host_->Warn(
        "no API key is configured, so one was generated and is shown only this once: " + *key +
        "  Give it to spawners in the X-API-Key header and set MASTER_API_KEY=" + *key +
        " (or list it under api_keys) to make it explicit. Only its digest is "
        "kept, in " +
        generated_key_store_->Describe() +
        "; delete that to generate a "
        "new one.");
  }

  void AnnounceAdmin() {
    AdminBootstrap admin;
    try {
      admin = EnsureAdmin(core_->users(), core_->hasher(), options_.settings.password_policy,
                          options_.admin_email, options_.admin_password, core_->Now());
    } catch (const std::invalid_argument& e) {
      throw sr::Error(e.what(), SR_ERR_INVALID_ARGUMENT);
    }
    if (options_.admin_password) WipeSecret(*options_.admin_password);
    switch (admin.outcome) {
      case AdminBootstrap::Outcome::kAdminExists:
        return;
      case AdminBootstrap::Outcome::kCreated:
        host_->Info("created the admin account " + admin.email + " with ADMIN_PASSWORD");
        return;
      case AdminBootstrap::Outcome::kCreatedWithRandom:
        // The only time this password is ever shown; only its argon2 hash is kept.
        host_->Warn("created the admin account " + admin.email +
                    " with a random password, shown only this once: " + admin.password +
                    "  Sign in at /login and change it (POST /api/me/password), or set "
                    "ADMIN_PASSWORD before the first start.");
        return;
      case AdminBootstrap::Outcome::kEmailTaken:
        host_->Warn("no admin exists and " + admin.email +
                    " belongs to a non-admin user: set admin_email (or ADMIN_EMAIL) to a free "
                    "address to create one");
        return;
    }
  }

  void FlushSessions() {
    try {
      core_->sessions().Flush(core_->Now());
    } catch (const StoreError& e) {
      host_->Warn(std::string("cannot store session activity: ") + e.what());
    }
  }

  sr::Host* host_ = nullptr;
  AuthOptions options_;
  std::unique_ptr<KeyValueStore> store_;
  std::unique_ptr<GeneratedKeyStore> generated_key_store_;
  std::unique_ptr<AuthCore> core_;
  ApiKeyVerifier verifier_;
  std::unique_ptr<ApiKeyGuard> api_key_guard_;
  std::unique_ptr<SessionGuard> session_guard_;
  std::unique_ptr<LoginRoutes> login_;
  std::unique_ptr<AccountRoutes> account_;
  std::unique_ptr<UserRoutes> users_;
  sr::Subscription audit_subscription_;
  sr::Task flush_task_;
};

}  // namespace
}  // namespace sr::auth

SR_DECLARE_PLUGIN(sr::auth::AuthPlugin)
