// auth: spawner API keys, dashboard logins, users and roles, and an audit log.
//
// Guards (see src/guards.h):
//   api-key[:spawner|operator|admin]   X-API-Key or Authorization: Bearer, in constant time;
//                                      sets user "key:<name>", key "<name>"; a per-spawner
//                                      token sets user "spawner:<id>", spawner_id "<id>"
//   session[:viewer|operator|admin]    session cookie (+ CSRF on state-changing methods)
// Both set the request attributes "user", "role" and "auth"; sessions also "csrf" and
// "session" (a non-secret id of the session).
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
//   X-Frame-Options on HTML; Strict-Transport-Security on every response over TLS.
// Tasks: "session flush" stores last-seen times and drops expired sessions; "session expiry"
//   (every 500 ms) announces sessions that expired.
// Events: stores every "audit.record" event in the audit log; publishes "auth.session_ended"
//   {"session", "user", "reason"} for every session that ends or whose user's role changes.
// Services used (optional): kv-store v1, without it everything lives in memory;
//   spawner-credentials v1, without it per-spawner tokens are not accepted.
// Cluster mode: when the kv-store provider is version 2 (postgres-store: several masters over
//   one database), users, sessions, the audit log and the generated key are shared. Sessions
//   are read from the store on a miss; watches of auth_sessions, auth_users and auth keep
//   memory in step with the other masters (logouts, user changes, the generated key); ids come
//   from the sequences auth_user_id and auth_audit; the first start is claimed by one master
//   (src/bootstrap_claim.h).
//
// Config keys: api_keys [{name, key, role: spawner|operator|admin, networks: [CIDR]}],
//   secure_cookies, session_idle_timeout (30m), session_lifetime (12h),
//   max_sessions_per_user (20), password_min_length (12), argon2_opslimit (2),
//   argon2_memlimit (64MiB), login_rate_limit.{max_failures (5), address_max_failures (20),
//   lockout (30s), max_lockout (15m), forget_after (1h), max_tracked (10000)},
//   login_account_delay.{after_failures (5), delay (250ms), max_delay (3s),
//   forget_after (15m)}, api_key_rate_limit.{max_failures (20), lockout (10s),
//   max_lockout (15m), forget_after (1h), max_tracked (10000)}, audit_retention (100000),
//   data_dir (the host's data folder), admin_email (ADMIN_EMAIL or admin@example.com).
// Environment: MASTER_API_KEY (the spawners' key: role spawner, named "master"),
//   ADMIN_API_KEY (role admin, named "admin"), ADMIN_EMAIL, ADMIN_PASSWORD.
// First-start secrets go to <data_dir>/first-start-secrets (0600), never to the log.
#include <sr/services/kv_store.h>
#include <sr/services/spawner_credentials.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sr/plugin.hpp>
#include <thread>
#include <vector>

#include "account_routes.h"
#include "api_key_verifier.h"
#include "audit_routes.h"
#include "auth_core.h"
#include "auth_options.h"
#include "bootstrap.h"
#include "bootstrap_claim.h"
#include "first_start_secrets.h"
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
    info.uses = {sr::Service(SR_KV_STORE_SERVICE, SR_KV_STORE_VERSION),
                 sr::Service(SR_SPAWNER_CREDENTIALS_SERVICE, SR_SPAWNER_CREDENTIALS_VERSION)};
    return info;
  }

  void Init(sr::Host& host) override {
    host_ = &host;
    options_ = ReadAuthOptions(host.config(), host.DataDir());
    for (const std::string& warning : options_.warnings) host.Warn(warning);
    OpenStore(host);
    core_ = std::make_unique<AuthCore>(*store_, options_.settings, &WallClockMs,
                                       [&host](std::string_view message) { host.Warn(message); });
    // Audit records and session ends follow changes already made: a lost event is logged,
    // it does not fail the request (and nobody listens once the host shuts down).
    core_->SetPublisher([&host](std::string_view topic, std::string_view payload) {
      try {
        host.Publish(topic, payload);
      } catch (const sr::ShuttingDown&) {
      } catch (const sr::Error& error) {
        host.Warn(std::string("event lost: ") + error.what());
      }
    });
    for (ConfiguredKey& key : options_.api_keys) {
      if (key.name != "admin") spawner_key_configured_ = true;
      try {
        verifier_.AddKey(key.name, key.key, key.role, key.networks);
      } catch (const std::invalid_argument& e) {
        throw sr::Error(e.what(), SR_ERR_INVALID_ARGUMENT);
      }
      WipeSecret(key.key);  // from here on only its digest exists in this plugin
    }
    api_key_guard_ = std::make_unique<ApiKeyGuard>(verifier_, *core_, SpawnerTokens(host));
    session_guard_ = std::make_unique<SessionGuard>(*core_);
    login_ = std::make_unique<LoginRoutes>(*core_);
    account_ = std::make_unique<AccountRoutes>(*core_);
    users_ = std::make_unique<UserRoutes>(*core_);

    RegisterGuards(host);
    RegisterLoginRoutes(host);
    RegisterApiRoutes(host);
    host.AddResponseFilter([](const sr::Request& request, sr::Response& response) {
      std::string content_type(response.Header("Content-Type").value_or(""));
      for (const HeaderField& header : SecurityHeadersFor(content_type, request.IsSecure())) {
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
    auto flush_period = std::chrono::milliseconds(core_->sessions().FlushPeriodMs());
    flush_task_ = host.Every("session flush", flush_period, [this] { FlushSessions(); });
    // Streams opened under a session close within a second of its expiry: TakeEnded is a
    // comparison while nothing is due, so a short period costs nothing.
    expiry_task_ = host.Every("session expiry", std::chrono::milliseconds(500),
                              [this] { core_->AnnounceExpired(); });
  }

  void Start() override {
    WatchOtherMasters();  // before the first read, so that no change falls in between
    core_->Load();
    SecretLines secrets;
    Bootstrap(secrets);
    HandOverSecrets(secrets);
    bool admin_key_configured =
        std::any_of(options_.api_keys.begin(), options_.api_keys.end(),
                    [](const ConfiguredKey& key) { return key.role == Role::kAdmin; });
    if (spawner_key_configured_ && !admin_key_configured && !options_.api_keys.empty() &&
        options_.api_keys.front().name == "master") {
      host_->Info(
          "MASTER_API_KEY is the spawners' key (role spawner: register, heartbeat, download); "
          "set ADMIN_API_KEY for a key with the admin role");
    }
  }

  void Stop() override {
    watches_.clear();  // no change of another master may arrive once we stop
    FlushSessions();
  }

 private:
  // Cluster mode: the other masters' logouts, user changes and generated key reach memory
  // within about a second.
  void WatchOtherMasters() {
    if (!store_->clustered()) return;
    try {
      watches_ = core_->FollowOtherMasters();
      watches_.push_back(
          store_->Watch(KvGeneratedKeyStore::kSpace,
                        [this](std::string_view key, std::string_view value, bool deleted) {
                          if (key == KvGeneratedKeyStore::kKey)
                            ApplyRemoteGeneratedKey(value, deleted);
                        }));
    } catch (const StoreError& e) {
      throw sr::Error(std::string("cannot follow the other masters: ") + e.what());
    }
  }

  // The generated key was made (or deleted, or made anew) on another master. Only the digest
  // changes hands; the verifier's new key set comes with an empty cache of verified keys.
  void ApplyRemoteGeneratedKey(std::string_view value, bool deleted) {
    if (spawner_key_configured_) return;  // this master does not use a generated key
    try {
      if (!ApplyGeneratedKeyChange(verifier_, value, deleted)) {
        host_->Warn("ignored a malformed generated key digest written by another master");
      }
    } catch (const std::invalid_argument& e) {
      host_->Warn(std::string("ignored the generated key of another master: ") + e.what());
    }
  }

  // The first admin and the generated key. In a cluster they are made once, by whichever
  // master wins the claim (see bootstrap_claim.h); the others then load what it stored and
  // have no secrets to hand over.
  void Bootstrap(SecretLines& secrets) {
    if (store_->clustered()) {
      BootstrapClaim claim(*store_, &WallClockMs, [](std::int64_t ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      });
      try {
        if (claim.Run([this] { return BootstrapNeeded(); },
                      [&] {
                        AnnounceGeneratedKey(secrets);
                        AnnounceAdmin(secrets);
                      })) {
          return;
        }
      } catch (const StoreError& e) {
        throw sr::Error(std::string("cannot set up the first start with the other masters: ") +
                        e.what());
      }
    }
    AnnounceGeneratedKey(secrets);
    AnnounceAdmin(secrets);
  }

  // Reads the store, not memory: another master may have just done it.
  bool BootstrapNeeded() {
    core_->users().Load();
    bool key_missing = !spawner_key_configured_ && !generated_key_store_->Load();
    return key_missing || !core_->users().AnyAdmin();
  }

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

  // The per-spawner tokens of spawner-registry, when it is enabled.
  static SpawnerTokenCheck SpawnerTokens(sr::Host& host) {
    const auto* service = host.Lookup<sr_spawner_credentials_v1>(SR_SPAWNER_CREDENTIALS_SERVICE,
                                                                 SR_SPAWNER_CREDENTIALS_VERSION);
    if (service == nullptr ||
        service->struct_size <
            offsetof(sr_spawner_credentials_v1, verify_token) + sizeof(service->verify_token) ||
        service->verify_token == nullptr) {
      return {};
    }
    return [service](std::string_view token) -> std::optional<std::uint64_t> {
      std::uint64_t id = 0;
      if (service->verify_token(service->self, sr_str{token.data(), token.size()}, &id) != 1) {
        return std::nullopt;
      }
      return id;
    };
  }

  RequestFacts Facts(const sr::Request& request) const {
    return FactsOf(request, options_.settings.secure_cookies);
  }

  void RegisterGuards(sr::Host& host) {
    host.RegisterGuard(
        "api-key", [this](sr::Request& request, sr::Response& response, std::string_view argument) {
          return ApplyVerdict(api_key_guard_->Check(ApiKeyFactsOf(request), argument), request,
                              response);
        });
    host.RegisterGuard(
        "session", [this](sr::Request& request, sr::Response& response, std::string_view argument) {
          return ApplyVerdict(session_guard_->Check(Facts(request), argument), request, response);
        });
  }

  void RegisterLoginRoutes(sr::Host& host) {
    const sr::RouteOptions worker{.blocking = true, .max_body_bytes = kMaxFormBytes};
    host.Route("GET", "/login", "public", [this](sr::Request& request, sr::Response& response) {
      WriteReply(login_->Page(Facts(request), request.QueryParam("next")), response);
    });
    host.Route("GET", "/login.css", "public", [](sr::Request&, sr::Response& response) {
      WriteReply(LoginRoutes::Stylesheet(), response);
    });
    host.Route(
        "POST", "/login", "public",
        [this](sr::Request& request, sr::Response& response) {
          DeliverReply(*host_, login_->Submit(Facts(request), request.Body()), request, response);
        },
        worker);
    for (const char* method : {"GET", "POST"}) {
      host.Route(
          method, "/logout", "public",
          [this](sr::Request& request, sr::Response& response) {
            WriteReply(login_->Logout(Facts(request)), response);
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
          DeliverReply(*host_,
                       account_->ChangePassword(CallerOf(request), Facts(request), request.Body()),
                       request, response);
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

  void AnnounceGeneratedKey(SecretLines& secrets) {
    std::optional<std::string> key;
    try {
      key = EnsureApiKey(verifier_, *generated_key_store_, spawner_key_configured_);
    } catch (const std::exception& e) {
      throw sr::Error(std::string("cannot set up the generated API key: ") + e.what());
    }
    if (!key) return;
    secrets.emplace_back("master_api_key", std::move(*key));
    host_->Warn(
        "no spawner key is configured (MASTER_API_KEY or api_keys), so one was generated: "
        "master_api_key in " +
        SecretsFile().string() +
        ". It is the spawners' key (role spawner, X-API-Key or Authorization: Bearer); set "
        "MASTER_API_KEY to it to make it explicit, and ADMIN_API_KEY for an admin key. Only "
        "its digest is kept, in " +
        generated_key_store_->Describe() + "; delete that to generate a new one.");
  }

  void AnnounceAdmin(SecretLines& secrets) {
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
        secrets.emplace_back("admin_email", admin.email);
        secrets.emplace_back("admin_password", std::move(admin.password));
        host_->Warn("created the admin account " + admin.email +
                    " with a random password: admin_password in " + SecretsFile().string() +
                    ". Sign in at /login and change it (POST /api/me/password), or set "
                    "ADMIN_PASSWORD before the first start.");
        return;
      case AdminBootstrap::Outcome::kEmailTaken:
        host_->Warn("no admin exists and " + admin.email +
                    " belongs to a non-admin user: set admin_email (or ADMIN_EMAIL) to a free "
                    "address to create one");
        return;
    }
  }

  std::filesystem::path SecretsFile() const {
    return std::filesystem::path(options_.data_dir) / kFirstStartSecretsFile;
  }

  // Generated secrets go to a file only the service's user can read, and to the terminal
  // when one is attached; never to the log, which journald or a container runtime keeps and
  // shows to whoever may read logs.
  void HandOverSecrets(SecretLines& secrets) {
    if (secrets.empty()) return;
    try {
      SaveFirstStartSecrets(SecretsFile(), secrets);
    } catch (const std::exception& e) {
      throw sr::Error(std::string("cannot write the first-start secrets: ") + e.what() +
                      " (delete " + generated_key_store_->Describe() +
                      " if a key was generated, fix the folder and start again)");
    }
    if (::isatty(STDOUT_FILENO) == 1) {
      std::string text = "\nFirst-start secrets (also in " + SecretsFile().string() + "):\n";
      for (const auto& [name, value] : secrets) text += "  " + name + "=" + value + "\n";
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      WipeSecret(text);
    }
    for (auto& [name, value] : secrets) WipeSecret(value);
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
  sr::Task expiry_task_;
  bool spawner_key_configured_ = false;
  // Last, so that they end first: their callbacks use everything above.
  std::vector<std::unique_ptr<StoreWatch>> watches_;
};

}  // namespace
}  // namespace sr::auth

SR_DECLARE_PLUGIN(sr::auth::AuthPlugin)
